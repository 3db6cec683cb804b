import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiFigures, populate } from "./api.ts";
import { classroomFigures } from "./classroom.ts";
import { type BenchSandbox, benchSandbox, benchUser, kube } from "./client.ts";
import { jobsCompleted, podToRunning, rcFigures, scaleToReady } from "./control-plane.ts";
import { benchDatabase, resetStatements, statementStats, topStatements } from "./database.ts";
import { httpEchoPerSecond } from "./echo.ts";
import { insidePodFigures } from "./inside-pods.ts";
import { cpuBetween, cpuSplit, machineCpuTime } from "./machine.ts";
import { noisyNeighbour } from "./noisy.ts";
import { podCreatesPerSecond, rawInsertsPerSecond } from "./raw.ts";
import { cloneSandboxes, databaseBytes, sandboxRowBytes } from "./scale.ts";
import { type BenchService, startBenchService } from "./service.ts";
import { quick, ratio, type Summary, samples, summarize, timeEach } from "./stats.ts";

/**
 * `npm run bench`: starts the service on a fresh database (DATABASE_URL's server, else an
 * embedded Postgres), measures what users feel, prints one table and writes bench/results.json.
 * SCALE_SANDBOXES (default 10000) sets the size of the scale run.
 */
/** Progress on stderr, so a slow stage shows where the time goes. */
function step(what: string) {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${what}`);
}

/**
 * Which sections run: BENCH_ONLY=controlPlane,limit (comma-separated: sandbox, api,
 * controlPlane, limit, classroom, scale, noisy, pods), for iterating on one figure; all of them by default.
 */
const only = new Set((process.env.BENCH_ONLY ?? "").split(",").filter(Boolean));
const runs = (section: string) => only.size === 0 || only.has(section);

/** Where the figures go: bench/results.json, or BENCH_RESULTS. */
const resultsFile = process.env.BENCH_RESULTS ?? join(import.meta.dirname, "results.json");

async function main() {
  const started = Date.now();
  const scaleCount = Number(process.env.SCALE_SANDBOXES ?? 10_000);
  const db = await benchDatabase();
  // The service's keys: a second service on it (the API alone, below) accepts the same tokens.
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-data-"));
  let service = await startBenchService(db.serviceUrl, dataDir);
  const results: Record<string, unknown> = { machine: { cpus: (await import("node:os")).cpus().length } };
  try {
    const user = await benchUser(service);

    // Sandbox: createSandbox → first `GET nodes` answers; storage per idle sandbox.
    if (runs("sandbox")) {
      step("sandbox ready");
      // Not measured: the first requests after a start compile their code paths and prepare
      // their statements on each pooled connection; the figure is the steady state's.
      for (let i = 0; i < 20; i++) await benchSandbox(service, user, `warm-${i}`);
      const sizeBefore = await databaseBytes(db.url);
      const ready = await timeEach(samples(200), async (i) => {
        const sb = await benchSandbox(service, user, `ready-${i}`);
        await kube(service, sb, "/api/v1/nodes");
      });
      const sizeAfter = await databaseBytes(db.url);
      const idle = await benchSandbox(service, user, "idle");
      results.sandbox = {
        createToFirstGetNodes: summarize(ready),
        idleSandboxRowBytes: await sandboxRowBytes(db.url, idle.id),
        idleSandboxDiskBytes: Math.round((sizeAfter - sizeBefore) / samples(200)),
      };
    }

    // API figures with one busy sandbox.
    const sb = await benchSandbox(service, user, "api");
    if (runs("api") || runs("scale")) {
      step("api figures, one sandbox");
      await populate(service, sb);
      results.api1 = await apiFigures(service, sb, "one");
    }

    // Inside pods: logs of a day-old loop, exec over WebSocket, a writable layer's storage.
    if (runs("pods")) {
      step("inside pods: logs after a day, exec cat, layer storage");
      const load = (await import("node:fs/promises")).readFile("/proc/loadavg", "utf8").catch(() => "");
      results.insidePods = {
        ...(await insidePodFigures(service, await benchSandbox(service, user, "pods"), db.url)),
        loadAverage: (await load).split(" ").slice(0, 3).join(" "),
      };
    }

    // Control plane: pod → Running at 10/s and 100/s, an RC's replicas, a replacement.
    if (runs("controlPlane")) {
      step("control plane: pod → Running, RC ready, replacement");
      const cpSandboxes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => benchSandbox(service, user, `cp-${i}`)),
      );
      const steady10 = await podToRunning(service, cpSandboxes.slice(0, 1), 10, samples(50), "slow");
      const jobsBefore = await jobsCompleted(db.url);
      if (statementStats) await resetStatements(db.url);
      const cpStart = performance.now();
      let steady100 = summarize([]);
      const { split: cpu100 } = await cpuSplit(
        service.pid,
        async () => {
          steady100 = await podToRunning(service, cpSandboxes, 100, samples(500), "fast");
          return steady100.n;
        },
        db.postmasterPid,
      );
      const cpSeconds = (performance.now() - cpStart) / 1000;
      // What the database did per pod at 100/s, the statements most often sent first.
      if (statementStats)
        console.error(
          `statements at 100 pods/s over 10 sandboxes:\n${(await topStatements(db.url, 60, steady100.n, "calls")).join("\n")}`,
        );
      await new Promise((r) => setTimeout(r, 1000)); // let Postgres flush its table counters
      const jobs = (await jobsCompleted(db.url)) - jobsBefore;
      const rc = await rcFigures(service, cpSandboxes[0] as (typeof cpSandboxes)[number], samples(10));
      // One sandbox's throughput: 100 pods/s into it, and a Deployment scaled to 300 at once (its
      // three nodes take 110 pods each, so 300 pods is as many as a sandbox runs with room).
      const oneCreates: number[] = [];
      const one100 = await podToRunning(
        service,
        [await benchSandbox(service, user, "cp-one")],
        100,
        samples(300),
        "one",
        oneCreates,
      );
      const scaled = await scaleToReady(service, await benchSandbox(service, user, "cp-scale"), 300);
      results.controlPlane = {
        podCreateToRunning_10perSecond_1sandbox: steady10,
        podCreateToRunning_100perSecond_10sandboxes: steady100,
        // The headroom left at that rate: the whole machine, bench client included.
        ...(cpu100
          ? {
              machineBusyPercentAt100PerSecond: cpu100.machineBusyPercent,
              // Of which the service and its Postgres: the busy share of a machine serving them.
              machineBusyPercentWithoutBenchClientAt100PerSecond: cpu100.machineBusyPercentWithoutBenchClient,
              cpuMsPerPodAt100PerSecond: cpu100.cpuMsPerUnit,
              // The pod's own: the service, its Postgres and the bench client (not what else runs).
              cpuPerPodAt100PerSecond: cpu100,
            }
          : {}),
        ...rc,
        reconcileJobsPerSecond: Math.round(jobs / cpSeconds),
        podCreate_100perSecond_1sandbox: summarize(oneCreates),
        podCreateToRunning_100perSecond_1sandbox: one100,
        scaleDeploymentTo300AllReadyMs: scaled,
      };
    }

    // Classrooms and web clients: fork, a GraphQL overview, subscription delivery, a class at once.
    if (runs("classroom")) {
      step("classroom: fork, overview, subscriptions, a class at once");
      const cpuBefore = await machineCpuTime();
      results.classroom = await classroomFigures(service, user);
      const cpu = cpuBetween(cpuBefore, await machineCpuTime(), 1);
      if (cpu) (results.classroom as Record<string, unknown>).machineBusyPercent = cpu.machineBusyPercent;
    }

    // The limit: raw INSERT+COMMIT/s vs pod creates/s through the API, same concurrency. Here
    // with the control plane in the same process, as `npm start` runs; the API alone at the end.
    const concurrency = 16;
    const rateSeconds = quick ? 1 : 5;
    const rateSandboxes = runs("limit")
      ? await Promise.all(Array.from({ length: 8 }, (_, i) => benchSandbox(service, user, `rate-${i}`)))
      : [];
    let raw = 0;
    let echo = 0;
    if (runs("limit")) {
      step("raw inserts vs pod creates");
      raw = await rawInsertsPerSecond(db.url, concurrency, rateSeconds);
      echo = await httpEchoPerSecond(concurrency, rateSeconds);
      const creates = await createRate(
        service,
        rateSandboxes,
        concurrency,
        rateSeconds,
        "mixed",
        db.postmasterPid,
      );
      results.limit = {
        concurrency,
        rawInsertCommitPerSecond: raw,
        // What HTTP alone allows: a server that answers each create with its body.
        httpEchoPerSecond: echo,
        ratioHttpEcho: ratio(echo, raw),
        podCreatesPerSecond: creates.perSecond,
        ratio: ratio(creates.perSecond, raw),
        // Where the CPU went per create (its control plane's share included, as far as it ran).
        cpuPerCreate: creates.cpu,
      };
    }

    // Scale: the same API figures with many more sandboxes of 10 pods each in the database.
    if (runs("scale")) {
      step(`scale: cloning ${scaleCount} sandboxes`);
      const template = await benchSandbox(service, user, "template");
      for (let i = 0; i < 10; i++)
        await kube(service, template, "/api/v1/namespaces/default/pods", {
          method: "POST",
          body: JSON.stringify({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `p${i}`, labels: { app: "t" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          }),
        });
      const cloneStart = Date.now();
      await cloneSandboxes(db.url, template.id, scaleCount);
      results.scaleSetup = {
        sandboxes: scaleCount,
        seconds: Math.round((Date.now() - cloneStart) / 100) / 10,
      };
      step("api figures among many sandboxes");
      results.apiMany = await apiFigures(service, sb, "many");
      const one = results.api1 as Record<string, Summary>;
      const many = results.apiMany as Record<string, Summary>;
      const ratios = (figure: "p50" | "p99") =>
        Object.fromEntries(
          Object.keys(one).map((k) => [k, ratio(many[k]?.[figure] ?? 0, one[k]?.[figure] ?? 1)]),
        );
      results.scaleRatioP50 = ratios("p50");
      results.scaleRatioP99 = ratios("p99");
    }

    // The noisy neighbour: others' latencies while one tenant hammers, on a service of its own
    // with the classroom's default limits (the one measured so far has the bench's own).
    if (runs("noisy")) {
      step("noisy neighbour");
      await service.stop();
      results.noisyNeighbour = await noisyNeighbour(db.serviceUrl, dataDir);
      service = await startBenchService(db.serviceUrl, dataDir);
    }

    // The API's own limit: a service with no workers (WORKERS=0, as a scaled deployment's API
    // processes run), so the creates do not share the CPU with the control plane they call for.
    // Last, as its pods' jobs are left queued for workers that never come.
    if (runs("limit")) {
      step("pod creates, the API alone");
      await service.stop();
      service = await startBenchService(db.serviceUrl, dataDir, { workers: false });
      const creates = await createRate(
        service,
        rateSandboxes,
        concurrency,
        rateSeconds,
        "alone",
        db.postmasterPid,
      );
      Object.assign(results.limit as object, {
        podCreatesPerSecondApiAlone: creates.perSecond,
        ratioApiAlone: ratio(creates.perSecond, raw),
        // The create ceiling as issue 21 states it: against what HTTP alone allows.
        ratioApiAloneToHttpEcho: ratio(creates.perSecond, echo),
        cpuPerCreateApiAlone: creates.cpu,
      });
    }
    results.seconds = Math.round((Date.now() - started) / 1000);
    if (statementStats) console.error((await topStatements(db.url)).join("\n"));
  } finally {
    await service.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
  await mkdir(join(import.meta.dirname), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
}

/** Pod creates per second through the API, and where the machine's CPU went per create. */
async function createRate(
  service: BenchService,
  sandboxes: BenchSandbox[],
  concurrency: number,
  seconds: number,
  tag: string,
  postmasterPid: number | null,
) {
  const { units, split } = await cpuSplit(
    service.pid,
    async () => (await podCreatesPerSecond(service, sandboxes, concurrency, seconds, tag)) * seconds,
    postmasterPid,
  );
  return { perSecond: Math.round(units / seconds), cpu: split };
}

function printTable(results: Record<string, unknown>) {
  const rows: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (value && typeof value === "object" && !("p50" in (value as object))) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else if (value && typeof value === "object") {
      const s = value as { n: number; p50: number; p99: number };
      rows.push([prefix, `p50 ${s.p50} ms  p99 ${s.p99} ms  (n=${s.n})`]);
    } else rows.push([prefix, String(value)]);
  };
  walk("", results);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
