import type postgres from "postgres";
import type { Database } from "../connection.ts";
import type { Sql } from "../sql.ts";
import { recentChanges } from "./recent-changes.ts";
import { SandboxWriter } from "./writer.ts";

/**
 * Runs `fn` in a transaction on a connection of its own. sql.begin waits for BEGIN's answer
 * before sending anything else; here BEGIN travels with `fn`'s first statements, one round trip
 * less. `fn` ends the transaction by sending `commit()` with its last statements
 * (SandboxWriter.finish), or returns having sent ROLLBACK; should it fail, the transaction is
 * rolled back.
 */
export async function pipelinedTransaction<T>(
  sql: Sql,
  fn: (tx: postgres.TransactionSql, commit: () => postgres.PendingQuery<postgres.Row[]>) => Promise<T>,
): Promise<T> {
  const conn = await sql.reserve();
  try {
    const begun = conn`BEGIN`.execute();
    // Answered before what follows it; a failure shows in those statements too.
    begun.catch(() => {});
    const value = await fn(conn as unknown as postgres.TransactionSql, () => conn`COMMIT`);
    await begun;
    return value;
  } catch (err) {
    await conn`ROLLBACK`.catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}

/**
 * Commits the writer's transaction (SandboxWriter.finish), and keeps what it changed for this
 * process's readers of the change log once the commit is answered (db/store/recent-changes.ts).
 */
async function finishKept(
  w: SandboxWriter,
  commit: () => postgres.PendingQuery<postgres.Row[]>,
): Promise<void> {
  if (w.dryRun || !w.logged.length) {
    await w.finish(commit);
    return;
  }
  const settle = recentChanges(w.databaseUrl).committing(
    w.sandboxId,
    w.lockedRevision,
    w.endRevision,
    w.logged,
    !w.loggedSealed,
  );
  let committed = false;
  try {
    await w.finish(commit);
    committed = true;
  } finally {
    settle(committed);
  }
}

/** How `writeSandbox` runs its transaction. */
export interface WriteSandboxOptions {
  /** Reads to send with the lock: see SandboxWriter.open. */
  early?: (w: SandboxWriter) => void;
  /** Checks everything, stores nothing (SandboxWriter's dryRun). */
  dryRun?: boolean;
  /** The transaction may create pods (SandboxWriter's countPods). */
  countPods?: boolean;
}

/**
 * Runs `fn` in one transaction holding the sandbox's write lock, then commits its writes with
 * the jobs they call for (the database's trigger rules). Returns null (and runs nothing) when
 * the sandbox does not exist.
 */
export function writeSandbox<T>(
  database: Database,
  sandboxId: string,
  fn: (w: SandboxWriter) => Promise<T>,
  options: WriteSandboxOptions = {},
): Promise<{ value: T } | null> {
  return pipelinedTransaction(database.sql, async (tx, commit) => {
    const writerOptions = {
      sealing: database.sealing,
      url: database.url,
      triggers: database.triggers,
      limits: database.limits,
      dryRun: options.dryRun,
      countPods: options.countPods,
    };
    const w = await SandboxWriter.open(tx, sandboxId, writerOptions, options.early);
    if (!w) {
      await tx`ROLLBACK`;
      return null;
    }
    try {
      const value = await fn(w);
      await finishKept(w, commit);
      return { value };
    } catch (err) {
      throw w.explain(err);
    }
  });
}
