import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { suiteDatabaseUrl, testDatabase } from "../support/db.ts";
import { nodeFlags } from "../support/process.ts";
import { kubectl, removeDataDir, type Service, sandboxKubeconfig, startService } from "../support/service.ts";

// Crash safety: the API without workers, and separate `npm run worker` processes sharing the
// queue; one is SIGKILLed in the middle of a burst of reconciles and another takes its place.
// Each reconcile is one transaction under the sandbox's lock, so a killed one leaves nothing
// behind, and the live workers unlock its job (workers/queue/liveness.ts) and run it again.
const root = resolve(import.meta.dirname, "..", "..");
const databaseUrl = suiteDatabaseUrl();
const database = testDatabase();
let service: Service;
let sandbox: Awaited<ReturnType<typeof sandboxKubeconfig>>;
const workers: { name: string; process: ChildProcess; output: string }[] = [];
const k = (...args: string[]) => kubectl(sandbox.path, args);

/** Starts `node workers/main.ts` (what `npm run worker` runs) and waits until its pool runs. */
async function startWorker(name: string) {
  const child = spawn(process.execPath, [...nodeFlags, join(root, "workers", "main.ts")], {
    cwd: root,
    // The API's keys: the suite's key-encryption key, and the CA in its data directory.
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_KEK: inject("kek"),
      DATA_DIR: service.dataDir,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker = { name, process: child, output: "" };
  workers.push(worker);
  const started = new Promise<void>((ready, fail) => {
    const onData = (d: Buffer) => {
      worker.output += d;
      if (worker.output.includes("workers started")) ready();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => fail(new Error(`worker ${name} exited (${code}): ${worker.output}`)));
  });
  await started;
  return worker;
}

function kill(worker: { process: ChildProcess }): Promise<void> {
  return new Promise((done) => {
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return done();
    worker.process.once("exit", () => done());
    worker.process.kill("SIGKILL");
  });
}

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
}
async function pods(): Promise<Pod[]> {
  const out = await k("get", "pods", "-l", "app=burst", "-o", "json");
  return (JSON.parse(out.stdout).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}
/** Pod writes of the sandbox in its change log: every pod ever created, and every one removed. */
async function podHistory(): Promise<{ added: number; deleted: number }> {
  const [row] = await database.sql<{ added: number; deleted: number }[]>`
    SELECT count(*) FILTER (WHERE type = 'ADDED')::int AS added,
           count(*) FILTER (WHERE type = 'DELETED')::int AS deleted
    FROM changes WHERE sandbox_id = ${sandbox.id} AND resource = 'pods'`;
  return row ?? { added: 0, deleted: 0 };
}
/** Polls the live pods until there are `want`, sampling the most ever seen on the way. */
async function converge(want: number, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  let most = 0;
  let seen = await pods();
  while (Date.now() < deadline) {
    most = Math.max(most, seen.length);
    if (seen.length === want) break;
    await new Promise((r) => setTimeout(r, 200));
    seen = await pods();
  }
  return { count: seen.length, most: Math.max(most, seen.length) };
}

beforeAll(async () => {
  const previous = process.env.WORKERS;
  process.env.WORKERS = "0";
  try {
    service = await startService(databaseUrl);
  } finally {
    if (previous === undefined) delete process.env.WORKERS;
    else process.env.WORKERS = previous;
  }
  sandbox = await sandboxKubeconfig(service, "crash");
  await Promise.all([startWorker("a"), startWorker("b")]);
});

afterAll(async () => {
  await Promise.all(workers.map(kill));
  const code = await service?.stop();
  expect(code).toBe(0);
  await removeDataDir(service.dataDir);
});

describe("workers killed in the middle of a burst", () => {
  it("still converge on exactly the desired pods, each created once", async () => {
    const rc = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "burst" },
      spec: {
        replicas: 15,
        selector: { app: "burst" },
        template: {
          metadata: { labels: { app: "burst" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    };
    const file = join(service.dataDir, "burst.json");
    await writeFile(file, JSON.stringify(rc));
    const [a, b] = workers as [(typeof workers)[0], (typeof workers)[0]];

    expect((await k("create", "-f", file)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    await kill(a);
    await startWorker("c");
    const first = await converge(15, 15);
    expect(first).toEqual({ count: 15, most: 15 });

    expect((await k("scale", "rc", "burst", "--replicas=20")).code).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    await kill(b);
    await startWorker("d");
    const second = await converge(20, 15);
    expect(second).toEqual({ count: 20, most: 20 });

    // Settled (the status caught up, a job of a killed worker may have to be unlocked first):
    // no late duplicate appears, and no pod was ever created twice or taken back.
    const deadline = Date.now() + 10_000;
    let status = "";
    while (status !== "20" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await k("get", "rc", "burst", "-o", "jsonpath={.status.replicas}")).stdout;
    }
    expect(status).toBe("20");
    expect((await pods()).length).toBe(20);
    expect(await podHistory()).toEqual({ added: 20, deleted: 0 });
  });
});
