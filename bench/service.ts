import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../db/embedded.ts";
import { graphql, spawnService } from "../test/support/process.ts";
import { type TlsFetch, tlsFetch } from "../test/support/tls-fetch.ts";

/**
 * The tenant limits the bench runs with: its own load is one user's hundreds of sandboxes, a
 * hundred watches on one token and a class signing up from one address, far past a classroom's defaults (config.ts), which it does not
 * measure (the noisy-neighbour section measures them, on a service of its own).
 */
export const benchLimits: NodeJS.ProcessEnv = {
  LIMIT_SANDBOXES_PER_USER: "100000",
  LIMIT_WATCHES_PER_TOKEN: "1000",
  LIMIT_REQUESTS_PER_TOKEN: "1000",
  // The API figures take one token's requests as fast as the service answers them.
  LIMIT_REQUESTS_PER_TOKEN_PER_SECOND: "1000000",
  LIMIT_OBJECTS_PER_SANDBOX: "100000",
  // A Deployment scaled to 300 at once (the one-sandbox throughput figure).
  LIMIT_REPLICAS_PER_CONTROLLER: "1000",
  // A class at once signs its learners up and in from this one address.
  LIMIT_SIGNUPS_PER_ADDRESS: "1000000",
  LIMIT_LOGINS_PER_ADDRESS: "1000000",
};

/** The service under measurement: `node main.ts` on the bench database. */
export interface BenchService {
  /** Plain http: GraphQL, health. */
  http: string;
  /** The TLS listener: the Kubernetes API. */
  https: string;
  /** fetch for the Kubernetes API, trusting the service's CA. */
  kubeFetch: TlsFetch;
  /** The service's CA, for clients other than fetch (a WebSocket). */
  caPem: string;
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
  { workers = true, limits = benchLimits }: { workers?: boolean; limits?: NodeJS.ProcessEnv } = {},
): Promise<BenchService> {
  const port = await freePort();
  const httpsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...limits,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HTTPS_PORT: String(httpsPort),
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
  const caPem = await readFile(join(dataDir, "tls", "ca.crt"), "utf8");
  return {
    http: started.http,
    https: `https://127.0.0.1:${httpsPort}`,
    kubeFetch: tlsFetch(caPem),
    caPem,
    pid: child.pid as number,
    stop: async () => {
      await started.stop();
      process.removeListener("exit", kill);
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeListener(signal, interrupted);
    },
  };
}

export { graphql };
