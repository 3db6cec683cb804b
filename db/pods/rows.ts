import type { Queryable } from "../sql.ts";

/**
 * The rows kept for what runs in a sandbox (pod_files, pod_log_lines, container_runs) live as
 * long as the object they belong to: a pod's, by its uid, and a node's hostPath trees, under
 * `node:<name>` (hostPathOwner). They go when the object's row goes, in the same statement
 * (db/store/held-writes.ts), whatever removed it: the kubelet, a forced delete, a finished pod
 * removed at once, a reset. A copy of a sandbox (a fork, a reset to a template) copies them
 * under its pods' uids (a fork's are the source's, a reset's new ones), so its pods keep their
 * files and logs.
 */

/** Whose rows a node's hostPath trees are. */
export function hostPathOwner(nodeName: string): string {
  return `node:${nodeName}`;
}

/**
 * A condition that holds while the rows' owner is still there: its pod (by uid) or node (by
 * name). Writes of rows are made on it, so a request that outlives its pod (an exec session open
 * through a forced delete) leaves nothing behind. A delete committed between the check and the
 * write can still slip through; the window is that one statement's.
 */
export function ownerExists(sql: Queryable, sandboxId: string, owner: string) {
  const node = owner.startsWith("node:") ? owner.slice("node:".length) : null;
  return node === null
    ? sql`EXISTS (SELECT 1 FROM objects WHERE sandbox_id = ${sandboxId} AND resource = 'pods' AND uid::text = ${owner})`
    : sql`EXISTS (SELECT 1 FROM objects WHERE sandbox_id = ${sandboxId} AND resource = 'nodes' AND namespace = '' AND name = ${node})`;
}

/**
 * Forgets container runs of a pod nobody can ask about any more (a restart made the run before
 * the previous one unreachable: `logs --previous` goes back one run): their files, journal and
 * settled evaluation, in one statement.
 */
export async function dropRuns(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  runs: { container: string; containerId: string }[],
): Promise<void> {
  if (!runs.length) return;
  const ids = runs.map((r) => r.containerId);
  const scopes = runs.flatMap((r) => [
    `c/${r.container}/${r.containerId}`,
    `m/${r.container}/${r.containerId}`,
  ]);
  await sql`WITH files_gone AS (
      DELETE FROM pod_files WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND scope = ANY(${scopes}::text[])
    ), lines_gone AS (
      DELETE FROM pod_log_lines WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND container_id = ANY(${ids}::text[])
    )
    DELETE FROM container_runs WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND container_id = ANY(${ids}::text[])`;
}

/**
 * Removes a sandbox's rows whose owner is gone: what the one-statement window of `ownerExists`
 * let through (a write racing its pod's delete). One statement, within the sandbox. How many
 * rows it removed.
 */
export async function sweepOrphanRows(sql: Queryable, sandboxId: string): Promise<number> {
  const gone = sql`(SELECT x.pod_uid FROM (
      SELECT pod_uid FROM pod_files WHERE sandbox_id = ${sandboxId}
      UNION SELECT pod_uid FROM pod_log_lines WHERE sandbox_id = ${sandboxId}
      UNION SELECT pod_uid FROM container_runs WHERE sandbox_id = ${sandboxId}) x
    WHERE NOT EXISTS (
      SELECT 1 FROM objects o WHERE o.sandbox_id = ${sandboxId} AND (
        CASE WHEN x.pod_uid LIKE 'node:%'
          THEN o.resource = 'nodes' AND o.namespace = '' AND o.name = substr(x.pod_uid, 6)
          ELSE o.resource = 'pods' AND o.uid::text = x.pod_uid END)))`;
  const [row] = await sql<{ n: number }[]>`
    WITH owners AS ${gone}, files AS (
      DELETE FROM pod_files WHERE sandbox_id = ${sandboxId} AND pod_uid IN (SELECT pod_uid FROM owners) RETURNING 1
    ), lines AS (
      DELETE FROM pod_log_lines WHERE sandbox_id = ${sandboxId} AND pod_uid IN (SELECT pod_uid FROM owners) RETURNING 1
    ), runs AS (
      DELETE FROM container_runs WHERE sandbox_id = ${sandboxId} AND pod_uid IN (SELECT pod_uid FROM owners) RETURNING 1
    )
    SELECT ((SELECT count(*) FROM files) + (SELECT count(*) FROM lines) + (SELECT count(*) FROM runs))::int AS n`;
  return row?.n ?? 0;
}

/**
 * Sweeps up to `count` sandboxes that hold rows, from a random point of their ids (wrapping
 * round): run after run, every sandbox's turn comes, each sweep a statement of its own. With
 * `keepJournalLines`, each container run's journal is rotated to that many lines too.
 */
export async function sweepSomeSandboxes(
  sql: Queryable,
  count = 500,
  keepJournalLines: number | null = null,
): Promise<number> {
  const ids = await sql<{ id: string }[]>`
    WITH start AS (SELECT gen_random_uuid() AS id)
    (SELECT s.id FROM sandboxes s, start WHERE s.id >= start.id ORDER BY s.id LIMIT ${count})
    UNION ALL
    (SELECT s.id FROM sandboxes s, start WHERE s.id < start.id ORDER BY s.id LIMIT ${count})
    LIMIT ${count}`;
  let removed = 0;
  for (const { id } of ids) {
    removed += await sweepOrphanRows(sql, id);
    if (keepJournalLines !== null) removed += await rotateJournal(sql, id, keepJournalLines);
  }
  return removed;
}

/**
 * Forgets a sandbox's journal lines past the newest `keep` of each container run, as the
 * kubelet's log rotation forgets a file's oldest lines (a repeating line stays: it is one row
 * for all its turns). One statement; how many lines it removed.
 */
export async function rotateJournal(sql: Queryable, sandboxId: string, keep: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    WITH rotated AS (
      DELETE FROM pod_log_lines l USING (
        SELECT pod_uid, container_id, source FROM (
          SELECT pod_uid, container_id, source,
            row_number() OVER (PARTITION BY pod_uid, container_id ORDER BY at_ms DESC, source DESC) AS newer
          FROM pod_log_lines WHERE sandbox_id = ${sandboxId} AND period_ms IS NULL) r
        WHERE r.newer > ${keep}) old
      WHERE l.sandbox_id = ${sandboxId} AND l.pod_uid = old.pod_uid AND l.container_id = old.container_id
        AND l.source = old.source
      RETURNING 1)
    SELECT count(*)::int AS n FROM rotated`;
  return row?.n ?? 0;
}

/** Whether deleting an object of this resource takes rows with it (rowsOfDeletedGone). */
export function ownsRows(resource: string): boolean {
  return resource === "pods" || resource === "nodes";
}

/**
 * Common table expressions, for the statement that sends a transaction's writes, removing the
 * rows of the pods and nodes it deletes. They read `input` (resource, name, uid, type: one row
 * per write) defined earlier in the statement. The owner of a node's rows is spelled as
 * hostPathOwner spells it.
 */
export function rowsOfDeletedGone(sql: Queryable, sandboxId: string) {
  return sql`gone_owners AS (
      SELECT CASE WHEN resource = 'pods' THEN uid::text ELSE 'node:' || name END AS owner
      FROM input WHERE type = 'DELETED' AND resource IN ('pods', 'nodes')
    ), files_gone AS (
      DELETE FROM pod_files x USING gone_owners g WHERE x.sandbox_id = ${sandboxId} AND x.pod_uid = g.owner
    ), lines_gone AS (
      DELETE FROM pod_log_lines x USING gone_owners g WHERE x.sandbox_id = ${sandboxId} AND x.pod_uid = g.owner
    ), runs_gone AS (
      DELETE FROM container_runs x USING gone_owners g WHERE x.sandbox_id = ${sandboxId} AND x.pod_uid = g.owner
    )`;
}

/**
 * Common table expressions copying sandbox `from`'s rows into `to`: a pod's under its copy's
 * uid (`renamed`: old uid to new; null when the copies keep their uids, as a fork's do); a
 * node's hostPath trees as they are (the copy's nodes keep their names). Rows of pods no longer
 * there are not copied.
 */
export function rowsCopied(sql: Queryable, from: string, to: string, renamed: Map<string, string> | null) {
  // Each copied object's old uid and its copy's; for copies that keep them, the pods' own.
  const uids = renamed
    ? sql`SELECT * FROM unnest(${[...renamed.keys()]}::text[], ${[...renamed.values()]}::text[]) AS r(old, new)`
    : sql`SELECT uid::text AS old, uid::text AS new FROM objects WHERE sandbox_id = ${from} AND resource = 'pods'`;
  return sql`renamed AS (${uids}), owners_copied AS (
      SELECT DISTINCT x.pod_uid AS old, coalesce(r.new, x.pod_uid) AS new
      FROM (SELECT pod_uid FROM pod_files WHERE sandbox_id = ${from}
        UNION SELECT pod_uid FROM pod_log_lines WHERE sandbox_id = ${from}
        UNION SELECT pod_uid FROM container_runs WHERE sandbox_id = ${from}) x
      LEFT JOIN renamed r ON r.old = x.pod_uid
      WHERE r.new IS NOT NULL OR x.pod_uid LIKE 'node:%'
    ), files_copied AS (
      INSERT INTO pod_files (sandbox_id, pod_uid, scope, path, kind, mode, content)
      SELECT ${to}, o.new, x.scope, x.path, x.kind, x.mode, x.content
      FROM pod_files x JOIN owners_copied o ON o.old = x.pod_uid WHERE x.sandbox_id = ${from}
    ), lines_copied AS (
      INSERT INTO pod_log_lines (sandbox_id, pod_uid, container_id, source, at_ms, period_ms, stream, text)
      SELECT ${to}, o.new, x.container_id, x.source, x.at_ms, x.period_ms, x.stream, x.text
      FROM pod_log_lines x JOIN owners_copied o ON o.old = x.pod_uid WHERE x.sandbox_id = ${from}
    ), runs_copied AS (
      INSERT INTO container_runs (sandbox_id, pod_uid, container_id, evaluation, journaled)
      SELECT ${to}, o.new, x.container_id, x.evaluation, x.journaled
      FROM container_runs x JOIN owners_copied o ON o.old = x.pod_uid WHERE x.sandbox_id = ${from}
    )`;
}

/**
 * Copies sandbox `from`'s rows into `to`, whose objects are copies of its objects under new uids
 * (`renamed`: old uid to new), in one statement sent in the caller's transaction.
 */
export function copyRows(sql: Queryable, from: string, to: string, renamed: Map<string, string>) {
  return sql`WITH ${rowsCopied(sql, from, to, renamed)} SELECT 1`.execute();
}

/** Removes every row of a sandbox's pods and nodes (the sandbox is being deleted). */
export function forgetSandboxRows(sql: Queryable, sandboxId: string) {
  return sql`
    WITH files_gone AS (DELETE FROM pod_files WHERE sandbox_id = ${sandboxId}),
      lines_gone AS (DELETE FROM pod_log_lines WHERE sandbox_id = ${sandboxId})
    DELETE FROM container_runs WHERE sandbox_id = ${sandboxId}`.execute();
}
