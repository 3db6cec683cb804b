import type postgres from "postgres";

/**
 * Enqueues a graphile-worker job inside the caller's transaction, so it exists exactly when the
 * write that needs it commits. The job key (sandbox first, then the task) folds a burst of
 * changes to one object into one run.
 */
export async function enqueue(
  tx: postgres.TransactionSql,
  task: string,
  sandboxId: string,
  key: string,
  payload: Record<string, unknown>,
  runAt?: Date,
): Promise<void> {
  await tx`
    SELECT graphile_worker.add_job(
      ${task},
      ${JSON.stringify({ sandbox: sandboxId, ...payload })}::json,
      job_key => ${`${sandboxId}:${task}:${key}`},
      run_at => ${runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => 25
    )`;
}
