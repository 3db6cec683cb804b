import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "../db/embedded.ts";
import { procStat } from "./machine.ts";

/**
 * BENCH_STATEMENTS=1 (embedded Postgres only): the server keeps pg_stat_statements, and the
 * bench prints the statements that took the most time — where a figure's time goes.
 */
export const statementStats = !!process.env.BENCH_STATEMENTS && !process.env.DATABASE_URL;
const statementFlags = statementStats
  ? [
      "-c",
      "shared_preload_libraries=pg_stat_statements",
      "-c",
      "pg_stat_statements.track=all",
      "-c",
      "pg_stat_statements.track_planning=on",
    ]
  : [];

/** Forgets the statement statistics so far (BENCH_STATEMENTS), to count one phase's alone. */
export async function resetStatements(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    await sql`SELECT pg_stat_statements_reset()`;
  } finally {
    await sql.end();
  }
}

/**
 * The statements that took the most server time since the database was made or the statistics
 * were reset (BENCH_STATEMENTS), or ran most often; with `units`, each one's calls per unit too.
 */
export async function topStatements(
  url: string,
  count = 40,
  units = 0,
  order: "calls" | "time" = process.env.BENCH_STATEMENTS === "calls" ? "calls" : "time",
): Promise<string[]> {
  // BENCH_STATEMENTS=calls: the most frequent first (where round trips go), else the costliest.
  const byCalls = order === "calls";
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    const rows = await sql<{ ms: string; plan: string; calls: string; min: string; q: string }[]>`
      SELECT round(total_exec_time::numeric, 1) AS ms, round(total_plan_time::numeric, 1) AS plan,
             calls, round(min_exec_time::numeric, 3) AS min,
             left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 140) AS q
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY CASE WHEN ${byCalls} THEN calls ELSE 0 END DESC, total_exec_time DESC LIMIT ${count}`;
    // The least a statement took: its cost without waiting for a lock.
    return rows.map(
      (r) =>
        `${r.ms.padStart(9)} ms ${r.plan.padStart(8)} ms planning ${String(r.calls).padStart(7)} calls${units ? ` ${(Number(r.calls) / units).toFixed(2).padStart(6)}/unit` : ""}  min ${r.min.padStart(7)} ms  ${r.q}`,
    );
  } finally {
    await sql.end();
  }
}

/** A fresh database for one bench run, and how to drop it. */
export interface BenchDatabase {
  /** Over TCP, for the bench's own queries. */
  url: string;
  /** What the service is given: the embedded server's unix socket, as `npm start` uses it. */
  serviceUrl: string;
  /**
   * The server's postmaster on this machine (the parent of a backend of ours), whose process tree
   * is the database's CPU (bench/machine.ts): a shared server's other clients count in it too.
   */
  postmasterPid: number | null;
  drop(): Promise<void>;
}

/**
 * A new database on the server DATABASE_URL names, or on an embedded Postgres started in a
 * temporary directory; dropped (and the embedded server stopped) at the end.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let socketDir: string | null = null;
  let stopEmbedded = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), "kubesandbox-bench-"));
    const pg = await startEmbeddedPostgres(dir, () => {}, statementFlags);
    serverUrl = pg.url;
    socketDir = new URL(pg.socketUrl).searchParams.get("host");
    stopEmbedded = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const name = `kubesandbox_bench_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const [backend] = await admin<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const postmasterPid = backend ? ((await procStat(backend.pid))?.ppid ?? null) : null;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const serviceUrl = new URL(url);
  if (socketDir) serviceUrl.searchParams.set("host", socketDir);
  return {
    url: url.toString(),
    serviceUrl: serviceUrl.toString(),
    postmasterPid,
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopEmbedded();
    },
  };
}
