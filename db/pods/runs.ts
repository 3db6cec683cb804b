import type { Queryable } from "../sql.ts";
import { ownerExists } from "./rows.ts";

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
  const [row] = await sql<{ evaluation: T | string }[]>`
    SELECT evaluation FROM container_runs
    WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND container_id = ${containerId}`;
  if (!row) return null;
  return typeof row.evaluation === "string" ? (JSON.parse(row.evaluation) as T) : row.evaluation;
}

/** Keeps a run's settled evaluation (a concurrent writer's identical record is kept; none once the pod is gone). */
export async function settleRun(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  containerId: string,
  evaluation: unknown,
): Promise<void> {
  await sql`INSERT INTO container_runs (sandbox_id, pod_uid, container_id, evaluation, journaled)
    SELECT ${sandboxId}::uuid, ${podUid}::text, ${containerId}::text,
      ${JSON.stringify(evaluation).replace(/\\u0000/g, "\\ufffd")}::jsonb, true
    WHERE ${ownerExists(sql, sandboxId, podUid)}
    ON CONFLICT DO NOTHING`;
}
