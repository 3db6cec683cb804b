import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { nodeFlags } from "../test/support/process.ts";
import { type BenchSandbox, benchSandbox, kube } from "./client.ts";
import { cpuBetween, machineCpuTime, processCpuMs, processRunQueueMs } from "./machine.ts";
import { type BenchService, graphql, startBenchService } from "./service.ts";
import { quick, ratio, type Summary, samples, summarize } from "./stats.ts";

/**
 * The attacks of bench/noisy-attacker.ts, each measured alone, then all at once; NOISY_ATTACKS
 * (comma-separated) runs only those named, to iterate on one.
 */
const attacks = ["watchStorm", "aliasBombs", "hugePatches", "logInFlood", "all"].filter(
  (a) => !process.env.NOISY_ATTACKS || process.env.NOISY_ATTACKS.split(",").includes(a),
);

/** Neighbours measured at once, each with a sandbox of its own. */
const neighbours = 3;

/**
 * Each neighbour's pace: a GET and a create every 100 ms, as a user's scripts and kubectl send
 * them, not as fast as answered. Flat out, three neighbours kept the service's one event loop
 * busy (the machine 77–85 % busy while "quiet"), so their p99 measured the queue they made
 * themselves, and any fourth caller, however fairly seated, could only lengthen it.
 */
const periodMs = 100;

/** What the neighbours felt in one phase: their GET and create latencies, and the machine's load. */
interface Phase {
  get: Summary;
  create: Summary;
  machineBusyPercent: number | null;
  /** The service's process and the attacker's, each as a share of one core: who kept the machine busy. */
  serviceCpuPercent: number | null;
  attackerCpuPercent: number | null;
  /**
   * How long the service's threads waited, runnable, for a CPU, as a share of the phase: on a
   * machine the attacker's client shares, the part of a latency no service could avoid.
   */
  serviceRunQueuePercent: number | null;
  /**
   * How late the service's event loop ran its timers in the phase (prom-client's
   * monitorEventLoopDelay, reset by each scrape of /metrics): a p99 latency the loop's own stalls
   * (a long task, a collection) made, whoever caused them.
   */
  serviceLoopDelay: { p99Ms: number; maxMs: number } | null;
  /** The service's garbage collections in the phase, by kind: their pauses stall every request. */
  serviceGc: Record<string, { count: number; ms: number; meanMs: number }>;
  serviceRequestsPerSecond: Record<string, number>;
}

/** What the service's /metrics says of its event loop and its garbage collections. */
interface LoopMetrics {
  /** The loop's delay since the last scrape, which resets it. */
  delay: { p99Ms: number; maxMs: number } | null;
  /** Garbage collections since the process started, by kind (major, minor, incremental, weakcb): how many, and their pauses in all (ms). */
  gc: Record<string, { count: number; ms: number }>;
  /** Requests answered since the process started, by surface, method and status code. */
  requests: Record<string, number>;
}

async function loopMetrics(service: BenchService): Promise<LoopMetrics> {
  const text = await fetch(`${service.http}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  const ms = (name: string) =>
    Math.round(Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]) * 1e5) / 100;
  const p99Ms = ms("nodejs_eventloop_lag_p99_seconds");
  const maxMs = ms("nodejs_eventloop_lag_max_seconds");
  const gc: LoopMetrics["gc"] = {};
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)$/gm)) {
    const [, field, kind = "", value] = m;
    gc[kind] ??= { count: 0, ms: 0 };
    if (field === "sum") gc[kind].ms = Number(value) * 1000;
    else gc[kind].count = Number(value);
  }
  const requests: LoopMetrics["requests"] = {};
  for (const m of text.matchAll(
    /^kubesandbox_http_requests_total\{surface="(\w+)",method="(\w+)",code="(\d+)"\} (\S+)$/gm,
  ))
    requests[`${m[1]} ${m[2]} ${m[3]}`] = Number(m[4]);
  return { delay: Number.isNaN(p99Ms + maxMs) ? null : { p99Ms, maxMs }, gc, requests };
}

/** The collections between two scrapes, by kind: how many, their pauses in all and the mean (ms). */
function gcBetween(before: LoopMetrics["gc"], after: LoopMetrics["gc"]) {
  return Object.fromEntries(
    Object.entries(after).map(([kind, a]) => {
      const count = a.count - (before[kind]?.count ?? 0);
      const ms = Math.round((a.ms - (before[kind]?.ms ?? 0)) * 10) / 10;
      return [kind, { count, ms, meanMs: count ? Math.round((ms / count) * 100) / 100 : 0 }];
    }),
  );
}

/**
 * Each neighbour GETs a ConfigMap and creates one, `n` times at its pace (at once when behind);
 * all neighbours at once, their starts spread over a period.
 * ConfigMaps, not pods: what a pod's create sets off in the control plane would be noise of its
 * own in the figure.
 */
async function measure(
  service: BenchService,
  sandboxes: BenchSandbox[],
  n: number,
  tag: string,
  attackerPid: number | null = null,
): Promise<Phase> {
  const gets: number[] = [];
  const creates: number[] = [];
  const before = await machineCpuTime();
  const started = performance.now();
  const serviceBefore = await processCpuMs(service.pid);
  const attackerBefore = attackerPid ? await processCpuMs(attackerPid) : null;
  const waitedBefore = await processRunQueueMs(service.pid);
  const metricsBefore = await loopMetrics(service);
  await Promise.all(
    sandboxes.map(async (sb, s) => {
      const first = performance.now() + (s * periodMs) / sandboxes.length;
      for (let i = 0; i < n; i++) {
        const due = first + i * periodMs - performance.now();
        if (due > 0) await new Promise((r) => setTimeout(r, due));
        let start = performance.now();
        await kube(service, sb, "/api/v1/namespaces/default/configmaps/kube-root-ca.crt");
        gets.push(performance.now() - start);
        start = performance.now();
        await kube(service, sb, "/api/v1/namespaces/default/configmaps", {
          method: "POST",
          body: JSON.stringify({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: `n-${tag.toLowerCase()}-${i}` },
          }),
        });
        creates.push(performance.now() - start);
      }
    }),
  );
  const cpu = cpuBetween(before, await machineCpuTime(), 1);
  const elapsed = performance.now() - started;
  const waitedAfter = await processRunQueueMs(service.pid);
  const percentOfCore = async (pid: number | null, before: number | null) => {
    const after = pid ? await processCpuMs(pid) : null;
    return after === null || before === null ? null : Math.round(((after - before) / elapsed) * 100);
  };
  return {
    get: summarize(gets),
    create: summarize(creates),
    machineBusyPercent: cpu?.machineBusyPercent ?? null,
    serviceCpuPercent: await percentOfCore(service.pid, serviceBefore),
    attackerCpuPercent: await percentOfCore(attackerPid, attackerBefore),
    serviceRunQueuePercent:
      waitedBefore === null || waitedAfter === null
        ? null
        : Math.round(((waitedAfter - waitedBefore) / elapsed) * 1000) / 10,
    ...(await loopMetrics(service).then((m) => ({
      serviceLoopDelay: m.delay,
      serviceGc: gcBetween(metricsBefore.gc, m.gc),
      // Per second, the service's answers in the phase (the neighbours' included), busiest first.
      serviceRequestsPerSecond: Object.fromEntries(
        Object.entries(m.requests)
          .map(
            ([k, n]) => [k, Math.round((n - (metricsBefore.requests[k] ?? 0)) / (elapsed / 1000))] as const,
          )
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1]),
      ),
    }))),
  };
}

/**
 * The noisy neighbour: on a service of its own with the classroom's default limits, three
 * tenants' GET and create latencies, quiet, then while a fourth hammers the service (bench/
 * noisy-attacker.ts, a process of its own) with each attack issue 19 found — a watch storm, alias
 * bombs, huge patches, a log-in flood — and all of them at once. Each figure's p99 is stated as a
 * ratio to the quiet one: the aim is 1.5 at most. The machine is shared (2 cores here): what the
 * attacker's own process spends is CPU the service does not get, which these figures include.
 */
export async function noisyNeighbour(databaseUrl: string, dataDir: string): Promise<Record<string, unknown>> {
  const service = await startBenchService(databaseUrl, dataDir, { limits: {} });
  const email = `noisy-${Date.now()}@example.com`;
  try {
    const tokens: string[] = [];
    for (let i = 0; i <= neighbours; i++) {
      const r = await graphql(
        service.http,
        `mutation($e:String!){signUp(email:$e,password:"bench-password-1"){token}}`,
        { e: i === 0 ? email : `neighbour-${i}-${Date.now()}@example.com` },
      );
      tokens.push(r.data.signUp.token);
    }
    const [attackerToken, ...others] = tokens as [string, ...string[]];
    const attacker = await benchSandbox(service, attackerToken, "attacker");
    const sandboxes = await Promise.all(others.map((t, i) => benchSandbox(service, t, `neighbour-${i}`)));
    await kube(service, attacker, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "target" } }),
    });
    const n = samples(300);
    // Not measured: the first requests compile their code paths and prepare their statements.
    await measure(service, sandboxes, Math.min(n, 30), "warm");
    const quiet = await measure(service, sandboxes, n, "quiet");
    const results: Record<string, unknown> = { neighbours, quiet };
    const caPem = await readFile(join(dataDir, "tls", "ca.crt"), "utf8");
    for (const mode of attacks) {
      console.error(`[bench ${new Date().toISOString().slice(11, 19)}]   noisy: ${mode}`);
      const child = spawn(process.execPath, [...nodeFlags, join(import.meta.dirname, "noisy-attacker.ts")], {
        env: {
          ...process.env,
          NOISY: JSON.stringify({
            mode,
            http: service.http,
            https: service.https,
            caPem,
            sandboxId: attacker.id,
            sandboxToken: attacker.token,
            userToken: attackerToken,
            email,
          }),
        },
        stdio: "ignore",
      });
      try {
        // The attack under way before the neighbours are timed.
        await new Promise((r) => setTimeout(r, quick ? 500 : 2000));
        const noisy = await measure(service, sandboxes, n, mode, child.pid ?? null);
        results[mode] = {
          ...noisy,
          getP99Ratio: ratio(noisy.get.p99, quiet.get.p99),
          createP99Ratio: ratio(noisy.create.p99, quiet.create.p99),
          // The medians too: on a machine others share, a p99 is as much theirs as the attack's.
          getP50Ratio: ratio(noisy.get.p50, quiet.get.p50),
          createP50Ratio: ratio(noisy.create.p50, quiet.create.p50),
        };
      } finally {
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
      }
      // Its watches and requests end with it; the next phase starts from quiet.
      await new Promise((r) => setTimeout(r, 1000));
    }
    return results;
  } finally {
    await service.stop();
  }
}
