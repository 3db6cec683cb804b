import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

/**
 * The V8 flags package.json's start and worker scripts run node with, for the processes tests
 * and the bench start the same way. Both are for a service that shares a small machine with its
 * Postgres (the embedded one, or a server on the same host), measured on 2 cores:
 * - 8 MB semi-spaces. Node 24 let the young generation grow to some 50 MB, whose scavenges
 *   paused the service 5-40 ms (median 7) every few hundred ms under the bench's API load: the
 *   tail of every API figure (LIST p99 33-41 ms). At 8 MB they pause ~2.5 ms (LIST p99 ~23).
 * - GC on the main thread only. V8's parallel and concurrent GC threads took the core Postgres
 *   was using: at 100 pods/s, bursts of 0.3-0.5 s with the service above one core and every pod
 *   late (pod → Running p99 72-246 ms in 7 runs). Without them: p99 59-71 ms in 7 runs, and less
 *   CPU per pod (12.8-13.4 ms against 13.9-14.0), GET p99 4.0-4.4 against 4.9-5.1 ms.
 */
export const nodeFlags = ["--max-semi-space-size=8", "--single-threaded-gc"];

/** A running `node main.ts`, as `npm start` runs it, and how to stop it. */
export interface ServiceProcess {
  http: string;
  process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGINT to the service and resolves with the exit code. */
  stop(): Promise<number | null>;
  /**
   * Ctrl-C as a terminal sends it: SIGINT to the whole process group, the embedded Postgres
   * included (the service runs in a group of its own for this). Resolves with the exit code.
   */
  interruptGroup(): Promise<number | null>;
}

/**
 * Starts `node main.ts` with `env` (which names PORT, HTTPS_PORT, DATA_DIR, …) and waits until
 * /readyz answers. Shared by the end-to-end tests and the bench; it needs nothing of vitest.
 */
export async function spawnService(env: NodeJS.ProcessEnv, port: number): Promise<ServiceProcess> {
  // SERVICE_CPU_PROF=dir: the service writes a V8 CPU profile there when it stops (`npm run bench`'s profiles).
  const profile = env.SERVICE_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${env.SERVICE_CPU_PROF}`] : [];
  // SERVICE_NODE_FLAGS="--trace-gc-nvp …": more V8 flags, for measuring (promotion, say) as the bench runs.
  const extra = (env.SERVICE_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, ...extra, ...profile, join(root, "main.ts")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // A group of its own, as a terminal's foreground job has: see interruptGroup.
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  // SERVICE_STDOUT=path: the service's output also goes to <path>.<pid> (what such flags print).
  if (env.SERVICE_STDOUT) {
    const file = `${env.SERVICE_STDOUT}.${child.pid}`;
    child.stdout?.on("data", (d) => appendFileSync(file, d));
  }
  child.stderr?.on("data", (d) => (out += d));
  const http = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`service not ready in 90 s: ${out}`);
    const ok = await fetch(`${http}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    http,
    process: child,
    output: () => out,
    stop: () => signal(child, () => child.kill("SIGINT")),
    interruptGroup: () => signal(child, () => process.kill(-(child.pid as number), "SIGINT")),
  };
}

function signal(child: ChildProcess, send: () => void): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done(child.exitCode);
    child.once("exit", (code) => done(code));
    send();
  });
}

/** A GraphQL call to a running service. */
export async function graphql(
  http: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
) {
  const res = await fetch(`${http}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}
