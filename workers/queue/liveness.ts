import { EventEmitter } from "node:events";
import type { WorkerEvents } from "graphile-worker";
import type { Database } from "../../db/connection.ts";
import type { Sql } from "../../db/sql.ts";
import { log } from "../../log.ts";

/**
 * graphile-worker leaves the jobs of a worker process that died (SIGKILL, a lost host) locked
 * for four hours. So every pool holds a session advisory lock named after its id for as long
 * as it lives; Postgres drops it with the dead process's connection, and a sweep by any live
 * process unlocks the jobs of pools whose lock is free. The class key keeps these locks apart
 * from anyone else's advisory locks.
 */
const livenessLockClass = 0x6b736277;

/** How often a process sweeps for dead pools; a job of a dead pool waits at most about this long. */
const sweepIntervalMs = 3_000;

/** A pool younger than this may not hold its liveness lock yet; its jobs are left alone. */
const graceSeconds = 3;

/**
 * Unlocks the jobs (and queues) held by worker pools whose process is gone, and returns their
 * ids. A pool is alive while someone holds its liveness lock, so trying it in a transaction
 * (released at commit) tells a dead pool from a live one without disturbing either.
 */
export async function releaseDeadPools(sql: Sql): Promise<string[]> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ locked_by: string }[]>`
      SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
      WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => ${graceSeconds})`;
    const dead: string[] = [];
    for (const { locked_by } of rows) {
      const [row] = await tx<{ free: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${livenessLockClass}, hashtext(${locked_by})) AS free`;
      if (row?.free) dead.push(locked_by);
    }
    if (dead.length) await tx`SELECT graphile_worker.force_unlock_workers(${dead}::text[])`;
    return dead;
  }) as Promise<string[]>;
}

/** Sweeps once, logging what it freed; a failed sweep is logged and tried again next time. */
async function sweep(sql: Sql): Promise<void> {
  try {
    const dead = await releaseDeadPools(sql);
    if (dead.length) log.warn({ pools: dead }, "unlocked the jobs of worker pools that died");
  } catch (err) {
    log.warn({ err }, "sweep for dead worker pools failed");
  }
}

/** What startWorkers hands graphile-worker (its events), and how to stop when the pool stops. */
export interface PoolLiveness {
  events: WorkerEvents;
  stop(): Promise<void>;
}

/**
 * Liveness for the worker pool this process starts: its lock, taken on a connection of its own
 * as soon as the pool exists, and the periodic sweep (one per process, not per sandbox).
 */
export function poolLiveness(database: Database): PoolLiveness {
  const events = new EventEmitter() as WorkerEvents;
  const held: Promise<() => Promise<void>>[] = [];
  events.on("pool:create", ({ workerPool }) => {
    held.push(
      (async () => {
        const conn = await database.sql.reserve();
        await conn`SELECT pg_advisory_lock(${livenessLockClass}, hashtext(${workerPool.id}))`;
        return async () => {
          await conn`SELECT pg_advisory_unlock(${livenessLockClass}, hashtext(${workerPool.id}))`;
          conn.release();
        };
      })(),
    );
  });
  void sweep(database.sql);
  const timer = setInterval(() => void sweep(database.sql), sweepIntervalMs);
  timer.unref();
  return {
    events,
    async stop() {
      clearInterval(timer);
      for (const release of await Promise.allSettled(held))
        if (release.status === "fulfilled") await release.value().catch(() => {});
    },
  };
}
