import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../db/embedded.ts";
import { graphql, spawnService } from "../test/support/process.ts";

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
  const started = await spawnService(env, port);
  const child = started.process;
  // If the bench itself is stopped (Ctrl-C, a timeout), the service goes with it.
  process.once("exit", () => child.kill("SIGKILL"));
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      child.kill("SIGKILL");
      process.exit(130);
    });
  return {
    http: started.http,
    stop: async () => {
      await started.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export { graphql };
