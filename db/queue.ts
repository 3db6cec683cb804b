import type postgres from "postgres";

/**
 * A condition on the objects of a namespace that a job is only worth running for, checked in the
 * statement that enqueues it, under the sandbox's write lock (so it is exact: what would satisfy
 * it later is itself a write, which wakes the job's controller again). Declared by the trigger
 * rule that needs it, beside its controller; the store only runs it.
 */
export interface GuardCondition {
  /** Names the condition within one enqueueing statement. */
  name: string;
  /**
   * A boolean SQL expression over `o`, a row of `objects` of one of the guard's resources in its
   * namespace. Constant text, never built from input. Naming the resource literally
   * (`o.resource = 'pods'`) lets a partial index serve it.
   */
  sql: string;
}

/** Leaves a job out unless an object of one of `resources` in `namespace` meets `condition`. */
export interface JobGuard {
  resources: string[];
  namespace: string;
  condition: GuardCondition;
}

/**
 * A graphile-worker job of a sandbox: the task, the key it is debounced by (scoped to the
 * sandbox and task, so a burst of changes to one object becomes one run), its payload, when
 * it is due (now by default), and optionally a guard.
 */
export interface QueuedJob {
  task: string;
  key: string;
  payload: Record<string, unknown>;
  runAt?: Date;
  onlyIf?: JobGuard;
}

/** The guard check of every job row `j`, one branch per condition the batch uses. */
function guardCheck(tx: postgres.TransactionSql, sandboxId: string, conditions: GuardCondition[]) {
  if (!conditions.length) return tx`true`;
  // Each guard looks up its objects by the whole key prefix (sandbox, resource, namespace), as a
  // scalar subquery the planner cannot turn into a join: left a choice, it scanned every object
  // of the namespace (its pods and events too), opening each body.
  const branches = conditions.map(
    (c) => tx`WHEN j.guard = ${c.name} THEN EXISTS (
      SELECT 1 FROM unnest(j.guard_resources) AS g(resource)
      WHERE (
        SELECT true FROM objects o
        WHERE o.sandbox_id = ${sandboxId} AND o.resource = g.resource AND o.namespace = j.guard_namespace
          AND (${tx.unsafe(c.sql)})
        LIMIT 1
      )
    )`,
  );
  return tx`CASE WHEN j.guard IS NULL THEN true ${branches.reduce((a, b) => tx`${a} ${b}`)} ELSE false END`;
}

/**
 * The part of a statement that enqueues a transaction's jobs with one call of graphile-worker's
 * `add_jobs` (its per-call work — task and queue upserts, the NOTIFY — is paid once, not per
 * job), leaving out those whose guard finds nothing; a scalar subquery (the count added), so
 * the caller can fold it into a statement it sends anyway. Keys must be distinct.
 */
export function enqueueFragment(
  tx: postgres.TransactionSql,
  sandboxId: string,
  jobs: QueuedJob[],
): postgres.PendingQuery<postgres.Row[]> {
  const conditions = new Map<string, GuardCondition>();
  const rows = jobs.map((j) => {
    if (j.onlyIf) conditions.set(j.onlyIf.condition.name, j.onlyIf.condition);
    return {
      task: j.task,
      payload: { sandbox: sandboxId, ...j.payload },
      job_key: `${sandboxId}:${j.task}:${j.key}`,
      run_at: j.runAt?.toISOString() ?? null,
      guard: j.onlyIf?.condition.name ?? null,
      guard_resources: j.onlyIf?.resources ?? null,
      guard_namespace: j.onlyIf?.namespace ?? null,
    };
  });
  return tx`(
    SELECT count(*) FROM (
      SELECT array_agg(
        (j.task, j.payload, NULL, j.run_at, 25, j.job_key, NULL, NULL)::graphile_worker.job_spec) AS specs
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS j(
        task text, payload json, job_key text, run_at timestamptz,
        guard text, guard_resources text[], guard_namespace text)
      WHERE ${guardCheck(tx, sandboxId, [...conditions.values()])}
    ) batch, LATERAL graphile_worker.add_jobs(batch.specs)
    WHERE batch.specs IS NOT NULL
  )`;
}
