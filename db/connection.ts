import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { defaultLimits, type TenantLimits } from "../config.ts";
import { SandboxGate } from "./sandbox-gate.ts";
import * as schema from "./schema.ts";
import type { Sql } from "./sql.ts";
import { keysNotLoaded, type Sealing } from "./store/sealing.ts";
import type { TriggerRules } from "./store/writer.ts";

/** The drizzle view of the same connection pool, for ordinary queries. */
export type Db = ReturnType<typeof makeDrizzle>;

function makeDrizzle(sql: Sql) {
  return drizzle(sql, { schema });
}

/** A pool of connections to the service's database, and its drizzle view. */
export interface Database {
  sql: Sql;
  db: Db;
  url: string;
  /** The controllers' pool only: its writes of a sandbox leave one at a time (SandboxGate). */
  gate?: SandboxGate;
  /** How Secrets are stored: encrypted once the entry point has loaded the keys (server/keyring.ts). */
  sealing: Sealing;
  /** Which controllers each write wakes (workers/controllers.ts); none when absent. */
  triggers?: TriggerRules;
  /** What a sandbox's writes may reach (objects, bytes, replicas), checked by the writer and registry. */
  limits: TenantLimits;
  /**
   * Whether this handle hears other processes' NOTIFYs (a LISTEN on its pool). False where a
   * runtime ties a connection to one request (workerd) or freezes the process between requests
   * (Lambda): nothing relies on a notice there (accounts/access-cache.ts), and no query in flight
   * is shared between requests (db/store/changes.ts sharedChangesAfter, api/readiness.ts).
   */
  listens: boolean;
  close(): Promise<void>;
}

/** How a pool's transactions commit. */
export interface PoolOptions {
  /**
   * Commit without waiting for the WAL to reach disk (synchronous_commit off on every
   * connection): for the controllers' pool. Safe for level-triggered controllers — a crash can
   * lose only the last few milliseconds of their commits, and what was lost is recomputed from
   * the state that remains — and it keeps the flush wait out of the sandbox lock they hold.
   */
  asyncCommit?: boolean;
  /** Queue this pool's writes of one sandbox in the process (db/sandbox-gate.ts). */
  gated?: boolean;
  /** Sealing of Secrets (keysNotLoaded, refusing them, until the keys are loaded). */
  sealing?: Sealing;
  /** The controllers' trigger rules, for pools whose writes must wake them. */
  triggers?: TriggerRules;
  /** The tenant limits (defaultLimits when not given). */
  limits?: TenantLimits;
}

/**
 * postgres.js's view of a URL: libpq's `?host=/directory` (a unix socket, as the embedded
 * server's socketUrl and many DATABASE_URLs name one) becomes its `path` option.
 */
export function socketOptions(url: string): { url: string; path?: string } {
  const parsed = new URL(url);
  const host = parsed.searchParams.get("host");
  if (!host?.startsWith("/")) return { url };
  parsed.searchParams.delete("host");
  return { url: parsed.toString(), path: `${host}/.s.PGSQL.${parsed.port || "5432"}` };
}

/** Opens a connection pool; nothing connects until the first query. */
export function connect(url: string, max = 10, options: PoolOptions = {}): Database {
  const target = socketOptions(url);
  const sql = postgres(target.url, {
    ...(target.path ? { path: target.path } : {}),
    max,
    onnotice: () => {},
    transform: { undefined: null },
    connection: {
      // Our statements are short and many: compiling one with LLVM, which Postgres does past a
      // cost estimate (a fork's copy of a sandbox, with its regular expressions, passed it),
      // took longer (36 ms of emission) than running it (15 ms).
      jit: "off",
      ...(options.asyncCommit ? { synchronous_commit: "off" } : {}),
    },
  });
  return {
    sql,
    db: makeDrizzle(sql),
    url,
    ...(options.gated ? { gate: new SandboxGate() } : {}),
    sealing: options.sealing ?? keysNotLoaded,
    ...(options.triggers ? { triggers: options.triggers } : {}),
    limits: options.limits ?? defaultLimits,
    listens: true,
    close: () => sql.end({ timeout: 2 }),
  };
}

/**
 * Whether an error thrown outside any query (from a timer or a socket event) is a client finding
 * its Postgres gone: postgres.js (3.4.9) throws a TypeError writing to the closed socket; pg
 * (graphile-worker's) lets a "terminating connection" error (57P01) escape, and, failing a job
 * whose connection died, the EPIPE of writing to it. Seen when Postgres is stopped first, as a
 * Ctrl-C that reaches the whole process group does.
 */
export function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    (err instanceof TypeError && /postgres[/\\]src[/\\]connection\.js/.test(err.stack ?? "")) ||
    code === "57P01" ||
    code === "EPIPE" ||
    code === "ECONNRESET"
  );
}
