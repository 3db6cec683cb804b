import { freePort } from "../db/embedded.ts";
import { graphql, spawnService } from "../test/support/process.ts";

/** The service under measurement: `node main.ts` on the bench database. */
export interface BenchService {
  http: string;
  /** The service's process, for its CPU time. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the service on free ports against `databaseUrl` and waits until it is ready. Services
 * started on the same `dataDir` share its signing key, so each accepts the others' tokens.
 * `workers: false` starts the API alone (WORKERS=0), as a scaled deployment's API processes run.
 */
export async function startBenchService(
  databaseUrl: string,
  dataDir: string,
  { workers = true } = {},
): Promise<BenchService> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HTTPS_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
    WORKERS: workers ? "1" : "0",
  };
  const started = await spawnService(env, port);
  const child = started.process;
  // If the bench itself is stopped (Ctrl-C, a timeout), the service goes with it.
  const kill = () => child.kill("SIGKILL");
  const interrupted = () => {
    kill();
    process.exit(130);
  };
  process.once("exit", kill);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, interrupted);
  return {
    http: started.http,
    pid: child.pid as number,
    stop: async () => {
      await started.stop();
      process.removeListener("exit", kill);
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeListener(signal, interrupted);
    },
  };
}

export { graphql };
