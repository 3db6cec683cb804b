import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../db/embedded.ts";

const root = resolve(import.meta.dirname, "..");

/** The service under measurement: `node main.ts` on the bench database, workers in process. */
export interface BenchService {
  http: string;
  stop(): Promise<void>;
}

/** Starts the service on free ports against `databaseUrl` and waits until it is ready. */
export async function startBenchService(databaseUrl: string): Promise<BenchService> {
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-data-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HTTPS_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  const child = spawn(process.execPath, [join(root, "main.ts")], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  // If the bench itself is stopped (Ctrl-C, a timeout), the service goes with it.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      child.kill("SIGKILL");
      process.exit(130);
    });
  const http = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${http}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("the service did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    http,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGINT");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A GraphQL call to the service. */
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
  // biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are read by shape at each call.
  return (await res.json()) as { data?: any; errors?: unknown[] };
}
