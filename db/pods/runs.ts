import type { Queryable } from "../sql.ts";

/**
 * Settled evaluations of container runs (db/schema.ts, container_runs): a program that ended or
 * repeats is evaluated once; its record is read instead after.
 */

/** A run's settled evaluation (JSON as the runtime gave it), or null. */
export async function settledRun<T>(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  containerId: string,
): Promise<T | null> {
  const [row] = await sql<{ evaluation: T }[]>`
    SELECT evaluation FROM container_runs
    WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND container_id = ${containerId}`;
  return row?.evaluation ?? null;
}

/** Keeps a run's settled evaluation (a concurrent writer's identical record is kept). */
export async function settleRun(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  containerId: string,
  evaluation: unknown,
): Promise<void> {
  await sql`INSERT INTO container_runs (sandbox_id, pod_uid, container_id, evaluation, journaled)
    VALUES (${sandboxId}, ${podUid}, ${containerId}, ${sql.json(evaluation as never)}, true)
    ON CONFLICT DO NOTHING`;
}
