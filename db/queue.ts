import type postgres from "postgres";

/**
 * A job that is only worth running if its namespace holds an object of one of `resources`
 * with a non-empty `spec.selector` (a service that selects pods, a controller that could adopt
 * them). Checked in the enqueueing statement, under the sandbox's write lock, so it is exact: an
 * object like that created later wakes its own controller, which sees everything there.
 */
export interface SelectorGuard {
  resources: string[];
  namespace: string;
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
  onlyIfSelecting?: SelectorGuard;
  /**
   * Only if this namespace has a pod its kubelet took on but could not start for want of a
   * Secret or ConfigMap (no pod IP yet, or a container in CreateContainerConfigError).
   */
  onlyIfPodsWaitingIn?: string;
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
  const rows = jobs.map((j) => ({
    task: j.task,
    payload: { sandbox: sandboxId, ...j.payload },
    job_key: `${sandboxId}:${j.task}:${j.key}`,
    run_at: j.runAt?.toISOString() ?? null,
    guard_resources: j.onlyIfSelecting?.resources ?? null,
    guard_namespace: j.onlyIfSelecting?.namespace ?? null,
    waiting_namespace: j.onlyIfPodsWaitingIn ?? null,
  }));
  return tx`(
    SELECT count(*) FROM (
      SELECT array_agg(
        (j.task, j.payload, NULL, j.run_at, 25, j.job_key, NULL, NULL)::graphile_worker.job_spec) AS specs
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS j(
        task text, payload json, job_key text, run_at timestamptz,
        guard_resources text[], guard_namespace text, waiting_namespace text)
      -- Each guard looks up its objects by the whole key prefix (sandbox, resource, namespace),
      -- as scalar subqueries the planner cannot turn into joins: left a choice, it scanned every
      -- object of the namespace (its pods and events too), opening each body.
      WHERE (j.guard_resources IS NULL OR EXISTS (
        SELECT 1 FROM unnest(j.guard_resources) AS g(resource)
        WHERE (
          SELECT true FROM objects o
          WHERE o.sandbox_id = ${sandboxId} AND o.resource = g.resource AND o.namespace = j.guard_namespace
            AND jsonb_typeof(o.body -> 'spec' -> 'selector') = 'object'
            AND o.body -> 'spec' -> 'selector' <> '{}'::jsonb
          LIMIT 1
        )
      )) AND (j.waiting_namespace IS NULL OR (
        -- Through objects_waiting_pods_idx: only the pods taken on but not yet running.
        SELECT true FROM objects p
        WHERE p.sandbox_id = ${sandboxId} AND p.resource = 'pods' AND p.namespace = j.waiting_namespace
          AND p.body -> 'status' ->> 'phase' = 'Pending' AND p.body -> 'status' ? 'hostIP'
          AND (NOT p.body -> 'status' ? 'podIP' OR p.body -> 'status' -> 'containerStatuses'
               @> '[{"state": {"waiting": {"reason": "CreateContainerConfigError"}}}]'
               OR p.body -> 'status' -> 'initContainerStatuses'
               @> '[{"state": {"waiting": {"reason": "CreateContainerConfigError"}}}]')
        LIMIT 1
      ))
    ) batch, LATERAL graphile_worker.add_jobs(batch.specs)
    WHERE batch.specs IS NOT NULL
  )`;
}
