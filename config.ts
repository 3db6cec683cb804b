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
   * Jobs one worker process runs at once. Each is a short transaction on one sandbox, but a job
   * may keep its slot while it waits (the scheduler's job waits out ContainerCreating, then
   * starts the pod): with 4 slots, waiting, not CPU, capped a process at about 110 pods/s.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  /** How long the change log keeps a change (etcd keeps 5 minutes; watches from before get 410). */
  CHANGE_LOG_RETENTION_SECONDS: z.coerce.number().int().positive().default(900),
  /** Origins (scheme://host[:port]) browsers may call GraphQL from, comma-separated; none by default. */
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
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
});

/** The service's configuration. */
export type Config = z.infer<typeof EnvSchema>;

/** Reads the configuration from the environment; a bad value stops start-up with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
