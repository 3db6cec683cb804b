import { z } from "zod";

/** Environment variables the service reads, parsed once at boot. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HTTPS_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  HOST: z.string().default("127.0.0.1"),
  /** A Postgres server to use instead of the embedded one. */
  DATABASE_URL: z.string().url().optional(),
  /** Where the embedded Postgres, the CA and the signing keys are kept. */
  DATA_DIR: z.string().default(".data"),
  /** What kubeconfigs name when the service sits behind a TLS-terminating proxy. */
  PUBLIC_URL: z.string().url().optional(),
  /** Lifetime of login tokens and sandbox tokens, in seconds. */
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3600),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** The key-encryption key(s) of Secrets: base64 of 32 bytes; several, comma-separated, the active first. */
  KUBESANDBOX_KEK: z.string().min(1).optional(),
  /** A keyring file instead (one base64 key per line, the active first); default `DATA_DIR/kek`. */
  KUBESANDBOX_KEK_FILE: z.string().min(1).optional(),
  /** Run the queue workers in this process (the default for `npm start`). */
  WORKERS: z.enum(["0", "1"]).default("1"),
  /**
   * Jobs one worker process runs at once. Each is a short transaction on one sandbox, waiting
   * most of its time on Postgres (and, under a burst, on the sandbox's lock): with 4 slots,
   * waiting, not CPU, capped a process at about 110 pods/s. The
   * steps of one sandbox that wait together run as one transaction (workers/queue/batches.ts),
   * so slots are what a burst in one sandbox batches over: a Deployment scaled to 300 was all
   * Ready in 2.2 s with 16, 1.5 s with 64.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(32),
  /** How long the change log keeps a change (etcd keeps 5 minutes; watches from before get 410). */
  CHANGE_LOG_RETENTION_SECONDS: z.coerce.number().int().positive().default(900),
  /**
   * Origins whose pages may call the service from a browser (CORS), comma-separated
   * ("https://app.example.com,https://teach.example.com"); none when empty.
   */
  ALLOWED_ORIGINS: z.string().default(""),
  // What one tenant may use, so that none can hurt the others (TenantLimits says what each is).
  LIMIT_SANDBOXES_PER_USER: count(20),
  LIMIT_OBJECTS_PER_SANDBOX: count(5000),
  LIMIT_BYTES_PER_SANDBOX: count(64 * 1024 * 1024),
  LIMIT_FILE_BYTES_PER_POD: count(64 * 1024 * 1024),
  LIMIT_FILE_BYTES_PER_SANDBOX: count(256 * 1024 * 1024),
  LIMIT_REPLICAS_PER_CONTROLLER: count(100),
  LIMIT_WATCHES_PER_TOKEN: count(50),
  LIMIT_REQUESTS_PER_TOKEN: count(10),
  LIMIT_REQUESTS_PER_TOKEN_PER_SECOND: count(100),
  LIMIT_BODY_BYTES_PER_TOKEN_PER_SECOND: count(1024 * 1024),
  LIMIT_WATCH_TIMEOUT_SECONDS: count(3600),
  LIMIT_LOGINS_PER_ACCOUNT: count(10),
  LIMIT_LOGINS_PER_ADDRESS: count(100),
  LIMIT_SIGNUPS_PER_ADDRESS: count(60),
  LIMIT_ATTEMPT_WINDOW_SECONDS: count(300),
  /** GraphQL's limits (api/graphql/limits.ts): body bytes, depth, aliases, tokens, cost. */
  GRAPHQL_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().nonnegative().default(15),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(3000),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(20_000),
  /** GraphQL documents one caller may have refused in a minute before it is answered 429 (api/graphql/refusals.ts). */
  GRAPHQL_MAX_REFUSALS_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Each caller's share of the service, API Priority and Fairness' way (api/flow-control/): FlowControl says what each is. */
  FLOW_CONTROL_SEATS: count(16),
  FLOW_CONTROL_QUEUE_LENGTH: count(128),
  FLOW_CONTROL_QUEUE_WAIT_SECONDS: count(5),
});

/** A positive whole number setting, with its default. */
function count(fallback: number) {
  return z.coerce.number().int().positive().default(fallback);
}

/** The service's configuration. */
export type Config = z.infer<typeof EnvSchema>;

/**
 * What one tenant may use, so that none can exhaust what all share. The defaults fit a
 * classroom: a learner's sandbox with a few deployments of a few dozen pods stays far inside
 * them, and a class of sixty signs up and logs in at once from one school address.
 */
export interface TenantLimits {
  /** Sandboxes one user may own. */
  sandboxesPerUser: number;
  /** Objects (events included) one sandbox may hold: a create past it is a quota refusal. */
  objectsPerSandbox: number;
  /** Bytes of stored JSON one sandbox may hold. */
  bytesPerSandbox: number;
  /**
   * Bytes of files the containers of one pod may keep (their writable layers and emptyDirs,
   * counted as du counts them: 4 KiB blocks, one at least per file or directory), as a node
   * bounds a pod's ephemeral storage: past it a write gets "No space left on device". 64 MiB is
   * what one just-bash evaluation may hold, so one exec can still write its largest file; a
   * tutorial's writes (a page, a config, a log) are kilobytes.
   */
  fileBytesPerPod: number;
  /**
   * Bytes of files all the pods of one sandbox (and its nodes' hostPath volumes) may keep: the
   * share of the service's disk one learner may fill. 256 MiB: four pods full to their budget,
   * and a class of sixty at most 15 GiB even if every student tries.
   */
  fileBytesPerSandbox: number;
  /** `spec.replicas` of one ReplicationController, ReplicaSet or Deployment at most. */
  replicasPerController: number;
  /** Watches open at once with one token (in one API process), past which a watch gets 429. */
  watchesPerToken: number;
  /** Requests other than watches in progress at once with one token (in one API process). */
  requestsPerToken: number;
  /**
   * Requests one token may make per second, past a burst of 300 (kubectl's own client-side
   * burst, so kubectl never meets it) or three seconds' worth if more (in one API process): each
   * costs the process's one thread a request's work, however fairly it was seated.
   */
  requestsPerTokenPerSecond: number;
  /**
   * Request-body bytes one token may send per second, past a burst of a second's worth and at
   * least two bodies at the 3 MiB limit (in one API process): parsing is paid per byte.
   */
  bodyBytesPerTokenPerSecond: number;
  /** The longest a watch stays open, whatever `timeoutSeconds` asks. */
  watchTimeoutSeconds: number;
  /** Log-in attempts at one account, and from one address, per `attemptWindowSeconds`. */
  logInsPerAccount: number;
  logInsPerAddress: number;
  /** Sign-ups from one address per `attemptWindowSeconds`. */
  signUpsPerAddress: number;
  attemptWindowSeconds: number;
}

/** The setting of each tenant limit. */
export const limitSettings = {
  sandboxesPerUser: "LIMIT_SANDBOXES_PER_USER",
  objectsPerSandbox: "LIMIT_OBJECTS_PER_SANDBOX",
  bytesPerSandbox: "LIMIT_BYTES_PER_SANDBOX",
  fileBytesPerPod: "LIMIT_FILE_BYTES_PER_POD",
  fileBytesPerSandbox: "LIMIT_FILE_BYTES_PER_SANDBOX",
  replicasPerController: "LIMIT_REPLICAS_PER_CONTROLLER",
  watchesPerToken: "LIMIT_WATCHES_PER_TOKEN",
  requestsPerToken: "LIMIT_REQUESTS_PER_TOKEN",
  requestsPerTokenPerSecond: "LIMIT_REQUESTS_PER_TOKEN_PER_SECOND",
  bodyBytesPerTokenPerSecond: "LIMIT_BODY_BYTES_PER_TOKEN_PER_SECOND",
  watchTimeoutSeconds: "LIMIT_WATCH_TIMEOUT_SECONDS",
  logInsPerAccount: "LIMIT_LOGINS_PER_ACCOUNT",
  logInsPerAddress: "LIMIT_LOGINS_PER_ADDRESS",
  signUpsPerAddress: "LIMIT_SIGNUPS_PER_ADDRESS",
  attemptWindowSeconds: "LIMIT_ATTEMPT_WINDOW_SECONDS",
} as const satisfies Record<keyof TenantLimits, keyof Config>;

/** The tenant limits a configuration sets. */
export function tenantLimits(config: Config): TenantLimits {
  const limits = {} as TenantLimits;
  for (const [limit, setting] of Object.entries(limitSettings))
    limits[limit as keyof TenantLimits] = config[setting];
  return limits;
}

/** GraphQL's limits (api/graphql/limits.ts) a configuration sets. */
export function graphqlLimitsOf(config: Config) {
  return {
    maxBodyBytes: config.GRAPHQL_MAX_BODY_BYTES,
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxAliases: config.GRAPHQL_MAX_ALIASES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    maxCost: config.GRAPHQL_MAX_COST,
    maxDirectives: 20,
    maxRefusalsPerMinute: config.GRAPHQL_MAX_REFUSALS_PER_MINUTE,
  };
}

/**
 * How the service shares itself between callers when it is saturated (api/flow-control/), after
 * the kube-apiserver's API Priority and Fairness: a caller (a flow) is a token's subject and
 * sandbox, else the client's address. One process serves `seats` requests at once; past them, a
 * flow's requests wait in its own queue, and the next served is from the flow with fewest in
 * progress, so a caller sending one request at a time never waits behind a flood.
 */
export interface FlowControl {
  /**
   * Requests served at once in one process before requests queue (APF's concurrency limit), on
   * top of each flow's first, which is always seated. One event loop gains little from more: with
   * 8, three tenants' one request each and a flood's four loops all fit, and the flood was never
   * held to its share; with 4 it is.
   */
  seats: number;
  /**
   * Requests one flow may have waiting; past them it gets 429 (APF's queueLengthLimit, 50 there).
   * A class of sixty signing up at once from one school address is one flow, and must all wait.
   */
  queueLength: number;
  /** The longest a request waits in its queue before it gets 429 (APF's request wait limit). */
  queueWaitSeconds: number;
}

/** The flow control a configuration sets. */
export function flowControlOf(config: Config): FlowControl {
  return {
    seats: config.FLOW_CONTROL_SEATS,
    queueLength: config.FLOW_CONTROL_QUEUE_LENGTH,
    queueWaitSeconds: config.FLOW_CONTROL_QUEUE_WAIT_SECONDS,
  };
}

/** Flow control with every setting at its default. */
export const defaultFlowControl: FlowControl = flowControlOf(EnvSchema.parse({}));

/** The limits with every setting at its default: what tests and tools get unless they say. */
export const defaultLimits: TenantLimits = tenantLimits(EnvSchema.parse({}));

/** Reads the configuration from the environment; a bad value stops start-up with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
