import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import postgres from "postgres";
import { newKekText } from "../db/crypto/kek.ts";
import { buildLambda } from "../serverless/build/lambda.ts";
import { buildWorker, workerdOptions } from "../serverless/build/worker.ts";
import { startLambda, startWorkerd } from "../test/support/serverless.ts";
import { tlsFetch } from "../test/support/tls-fetch.ts";
import { benchPod, benchSandbox, kube } from "./client.ts";
import { benchDatabase } from "./database.ts";
import { cpuBetween, machineCpuTime } from "./machine.ts";
import { type BenchService, benchLimits, graphql, startBenchService } from "./service.ts";
import { type Summary, samples, summarize, timeEach } from "./stats.ts";

/**
 * `npm run bench:serverless`: the request path in workerd (the worker bundle in miniflare) and in
 * the Lambda bundle (on Node, behind a local Function URL) against the Node server (`npm start`'s,
 * API only), on one database: GET pod, create pod, createSandbox,
 * logIn (argon2: native against WebAssembly) and /healthz (no database: the runtime's own cost).
 * workerd opens a connection per request (Hyperdrive's pool is not there locally), the warm Lambda
 * keeps one, Node uses its pool: the set-up of a postgres.js connection is measured apart (a new
 * connection's first query against a query on an open one).
 * Then each bundle's cold start, from nothing to its first answer: workerd up on the bundle
 * (against an empty Worker's), then its first request, which builds the app; a fresh Node process
 * importing the Lambda bundle behind the Function URL stand-in (against an empty handler's), then
 * its first request. And the bundles' sizes, raw and gzipped, against Workers' limits.
 * Sequential requests, one at a time: latency, not throughput. Writes bench/serverless-results.json.
 */

/** The bench's limits, and as many log-ins at one account as it makes. */
const limits = { ...benchLimits, LIMIT_LOGINS_PER_ACCOUNT: "1000000" } as Record<string, string>;

/** Workers' limits (developers.cloudflare.com/workers/platform/limits): compressed size, startup. */
const workersLimits = {
  freeCompressedBytes: 3 * 1024 * 1024,
  paidCompressedBytes: 10 * 1024 * 1024,
  startupMs: 1000,
};

interface RuntimeFigures {
  getPod: Summary;
  createPod: Summary;
  createSandbox: Summary;
  logIn: Summary;
  /** /healthz: no database, the runtime's own cost (and the TLS-less hop) per request. */
  healthz: Summary;
  machineBusyPercent: number | null;
}

async function runtimeFigures(service: BenchService): Promise<RuntimeFigures> {
  const before = await machineCpuTime();
  const email = `bench-${Date.now()}-${Math.random()}@example.com`;
  const up = await graphql(
    service.http,
    `mutation($e:String!){signUp(email:$e,password:"bench-password-1"){token}}`,
    {
      e: email,
    },
  );
  const userToken: string = up.data.signUp.token;
  const sb = await benchSandbox(service, userToken, "bench");
  await kube(service, sb, "/api/v1/namespaces/default/pods", {
    method: "POST",
    body: JSON.stringify(benchPod("probe")),
  });
  // A few requests first: connections, caches and the JIT warm, as on a running service.
  for (let i = 0; i < 5; i++) await kube(service, sb, "/api/v1/namespaces/default/pods/probe");
  const getPod = await timeEach(samples(300), () =>
    kube(service, sb, "/api/v1/namespaces/default/pods/probe"),
  );
  const createPod = await timeEach(samples(200), (i) =>
    kube(service, sb, "/api/v1/namespaces/default/pods", {
      method: "POST",
      body: JSON.stringify(benchPod(`p${i}`)),
    }),
  );
  const createSandbox = await timeEach(samples(40), (i) => benchSandbox(service, userToken, `s${i}`));
  const logIn = await timeEach(samples(40), async () => {
    const r = await graphql(
      service.http,
      `mutation($e:String!){logIn(email:$e,password:"bench-password-1"){token}}`,
      {
        e: email,
      },
    );
    if (!r.data?.logIn?.token) throw new Error(`logIn: ${JSON.stringify(r.errors)}`);
  });
  const healthz = await timeEach(samples(300), async () => {
    const res = await fetch(`${service.http}/healthz`);
    if (!res.ok) throw new Error(`healthz ${res.status}`);
    await res.text();
  });
  const cpu = cpuBetween(before, await machineCpuTime(), 1);
  return {
    getPod: summarize(getPod),
    createPod: summarize(createPod),
    createSandbox: summarize(createSandbox),
    logIn: summarize(logIn),
    healthz: summarize(healthz),
    machineBusyPercent: cpu?.machineBusyPercent ?? null,
  };
}

/** A new postgres.js connection's first query, against a query on an open one: the set-up apart. */
async function connectionSetUp(url: string): Promise<{ newConnection: Summary; pooled: Summary }> {
  const newConnection = await timeEach(samples(50), async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`SELECT 1`;
    await sql.end();
  });
  const pool = postgres(url, { max: 1, onnotice: () => {} });
  await pool`SELECT 1`;
  const pooled = await timeEach(samples(300), () => pool`SELECT 1`);
  await pool.end();
  return { newConnection: summarize(newConnection), pooled: summarize(pooled) };
}

/** workerd up on an empty Worker: what starting workerd itself costs, apart from the bundle. */
async function emptyWorkerStarts(n: number): Promise<Summary> {
  const startMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    const mf = new Miniflare({
      modules: true,
      script: 'export default { fetch: () => new Response("ok") };',
      compatibilityDate: workerdOptions().compatibilityDate,
      compatibilityFlags: workerdOptions().compatibilityFlags,
      host: "127.0.0.1",
    });
    await mf.ready;
    startMs.push(performance.now() - began);
    await mf.dispose();
  }
  return summarize(startMs);
}

/** workerd started on the built bundle (ready), then its first request (the app built), n times. */
async function coldStarts(outDir: string, databaseUrl: string, kek: string, n: number) {
  const emptyWorkerReady = await emptyWorkerStarts(n);
  const startMs: number[] = [];
  const firstRequestMs: number[] = [];
  const secondRequestMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    const mf = new Miniflare({
      ...workerdOptions(outDir),
      host: "127.0.0.1",
      bindings: {
        DATABASE_URL: databaseUrl,
        KUBESANDBOX_JWT_SECRET: "bench-signing-key-of-at-least-thirty-two-chars",
        KUBESANDBOX_KEK: kek,
        PUBLIC_URL: "https://127.0.0.1:1",
      },
    });
    const url = await mf.ready;
    startMs.push(performance.now() - began);
    for (const into of [firstRequestMs, secondRequestMs]) {
      const t = performance.now();
      const res = await fetch(new URL("/readyz", url));
      await res.text();
      into.push(performance.now() - t);
    }
    await mf.dispose();
  }
  return {
    emptyWorkerReady,
    workerdReady: summarize(startMs),
    firstRequest: summarize(firstRequestMs),
    secondRequest: summarize(secondRequestMs),
    toFirstAnswer: summarize(startMs.map((ms, i) => ms + (firstRequestMs[i] as number))),
  };
}

const functionUrl = join(import.meta.dirname, "..", "test", "support", "lambda-url.ts");

/**
 * A fresh process as Lambda starts one for a cold invocation: node imports `bundle` and listens
 * behind the Function URL stand-in (resolves with its URL once it says so), with the function's
 * environment.
 */
async function lambdaProcess(bundle: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [functionUrl, bundle], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((done, fail) => {
    child.stdout.once("data", (d: Buffer) => done(d.toString().trim()));
    child.once("exit", (code) => fail(new Error(`the Function URL stand-in exited (${code})`)));
  });
  const exited = new Promise((done) => child.once("exit", done));
  return {
    url,
    stop: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * The Lambda bundle's cold start, n times: a fresh process up on it (node started, the bundle
 * imported, listening), then its first request (the app built, its connection opened), against
 * the same process on an empty handler's bundle. Lambda's own part (fetching and unpacking the
 * package, its runtime's start) is not here.
 */
async function lambdaColdStarts(dir: string, bundle: string, databaseUrl: string, kek: string, n: number) {
  const empty = join(dir, "empty-handler.mjs");
  await writeFile(empty, 'export const handler = async (_event, stream) => { stream.end("ok"); };\n');
  const emptyHandlerUp: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    const lambda = await lambdaProcess(empty, {});
    emptyHandlerUp.push(performance.now() - began);
    await lambda.stop();
  }
  const upMs: number[] = [];
  const firstRequestMs: number[] = [];
  const secondRequestMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    const lambda = await lambdaProcess(bundle, {
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_JWT_SECRET: "bench-signing-key-of-at-least-thirty-two-chars",
      KUBESANDBOX_KEK: kek,
      PUBLIC_URL: "https://127.0.0.1:1",
    });
    upMs.push(performance.now() - began);
    for (const into of [firstRequestMs, secondRequestMs]) {
      const t = performance.now();
      const res = await fetch(new URL("/readyz", lambda.url));
      await res.text();
      if (!res.ok) throw new Error(`Lambda /readyz: ${res.status}`);
      into.push(performance.now() - t);
    }
    await lambda.stop();
  }
  return {
    emptyHandlerUp: summarize(emptyHandlerUp),
    processUp: summarize(upMs),
    firstRequest: summarize(firstRequestMs),
    secondRequest: summarize(secondRequestMs),
    toFirstAnswer: summarize(upMs.map((ms, i) => ms + (firstRequestMs[i] as number))),
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ms = (s: Summary) => `${s.p50.toFixed(0)} ms`;

async function main(): Promise<void> {
  const db = await benchDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-serverless-"));
  const kek = newKekText();
  const load = { loadavgBefore: loadavg().map((x) => Math.round(x * 100) / 100) };
  try {
    const worker = await buildWorker(join(dataDir, "worker"));
    const workerJs = await readFile(worker.bundle);
    const wasm = await Promise.all(
      ["argon2.wasm", "blake2b.wasm"].map((f) => readFile(join(dataDir, "worker", f))),
    );
    const gzipped = [workerJs, ...wasm].reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
    const lambda = await buildLambda(join(dataDir, "lambda"));
    const lambdaZip = (await readFile(lambda.zips[0] as string)).length;
    const lambdaJs = await readFile(lambda.bundle);
    const sizes = {
      workerBytes: workerJs.length + wasm.reduce((n, b) => n + b.length, 0),
      workerGzipBytes: gzipped,
      workersFreeLimitShare: Math.round((gzipped / workersLimits.freeCompressedBytes) * 100) / 100,
      workersPaidLimitShare: Math.round((gzipped / workersLimits.paidCompressedBytes) * 100) / 100,
      lambdaBundleBytes: lambdaJs.length,
      lambdaGzipBytes: gzipSync(lambdaJs, { level: 9 }).length,
      lambdaZipBytes: lambdaZip,
    };
    console.log("sizes", sizes);

    const node = await startBenchService(db.serviceUrl, join(dataDir, "node"), {
      workers: false,
      limits: { ...limits, KUBESANDBOX_KEK: kek },
    });
    const nodeFigures = await runtimeFigures(node);
    await node.stop();
    console.log("node", nodeFigures);

    const workerd = await startWorkerd(db.url, kek, {
      settings: limits,
      controllers: false,
    });
    const workerdService: BenchService = {
      http: workerd.http as string,
      https: workerd.https,
      kubeFetch: tlsFetch(workerd.caPem),
      caPem: workerd.caPem,
      pid: 0,
      stop: async () => {
        await workerd.stop();
      },
    };
    const workerdFigures = await runtimeFigures(workerdService);
    await workerdService.stop();
    console.log("workerd", workerdFigures);

    // The Lambda bundle on Node, behind the Function URL stand-in over plain http: the same
    // serverless app on a kept connection, warm, as a pooled path would serve it.
    const lambdaStarted = await startLambda(db.url, kek, {
      settings: limits,
      controllers: false,
      plainHttp: true,
    });
    const lambdaService: BenchService = {
      http: lambdaStarted.https,
      https: lambdaStarted.https,
      kubeFetch: (url, init) => fetch(url, init),
      caPem: "",
      pid: 0,
      stop: async () => {
        await lambdaStarted.stop();
      },
    };
    const lambdaFigures = await runtimeFigures(lambdaService);
    await lambdaService.stop();
    console.log("lambda", lambdaFigures);

    const connection = await connectionSetUp(db.url);
    console.log("connection", connection);
    const coldRuns = samples(75) > 3 ? 5 : 2;
    const cold = await coldStarts(join(dataDir, "worker"), db.url, kek, coldRuns);
    console.log("cold start", cold);
    const lambdaCold = await lambdaColdStarts(dataDir, lambda.bundle, db.url, kek, coldRuns);
    console.log("Lambda cold start", lambdaCold);

    const results = {
      at: new Date().toISOString(),
      machine: { ...load, loadavgAfter: loadavg().map((x) => Math.round(x * 100) / 100) },
      workersLimits,
      sizes,
      node: nodeFigures,
      workerd: workerdFigures,
      lambda: lambdaFigures,
      connection,
      coldStart: cold,
      lambdaColdStart: lambdaCold,
    };
    await writeFile(
      join(import.meta.dirname, "serverless-results.json"),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    console.log(JSON.stringify(results, null, 2));
    console.log(`
                      workerd (miniflare)              Lambda handler (Node, stand-in URL)
GET pod p50           ${ms(workerdFigures.getPod).padEnd(33)}${ms(lambdaFigures.getPod)}   (Node server ${ms(nodeFigures.getPod)})
cold start p50        ${ms(cold.toFirstAnswer).padEnd(33)}${ms(lambdaCold.toFirstAnswer)}
  up on the bundle    ${`${ms(cold.workerdReady)} (empty Worker ${ms(cold.emptyWorkerReady)})`.padEnd(33)}${ms(lambdaCold.processUp)} (empty handler ${ms(lambdaCold.emptyHandlerUp)})
  first request       ${ms(cold.firstRequest).padEnd(33)}${ms(lambdaCold.firstRequest)}
bundle raw            ${kib(sizes.workerBytes).padEnd(33)}${kib(sizes.lambdaBundleBytes)}
bundle gzipped        ${`${kib(sizes.workerGzipBytes)} (${Math.round(sizes.workersFreeLimitShare * 100)}% of Workers Free)`.padEnd(33)}${kib(sizes.lambdaGzipBytes)} (zip ${kib(sizes.lambdaZipBytes)})
cold starts: median of ${coldRuns}; load average ${results.machine.loadavgBefore.join(" ")} before, ${results.machine.loadavgAfter.join(" ")} after`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
