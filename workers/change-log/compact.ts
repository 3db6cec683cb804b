import type { Database } from "../../db/connection.ts";
import { recentChanges } from "../../db/store/recent-changes.ts";

/**
 * Trims the change log, as etcd compacts its history: changes older than the retention go, and
 * each sandbox remembers the newest revision it lost, so a watch from before it gets 410 Gone
 * (the client then lists again). Runs from the queue's crontab, for all sandboxes at once:
 * idle sandboxes cost no job of their own.
 */
export async function compactChanges(database: Database, retentionSeconds: number): Promise<number> {
  const [row] = await database.sql<{ deleted: string }[]>`
    WITH del AS (
      DELETE FROM changes WHERE created_at < now() - make_interval(secs => ${retentionSeconds})
      RETURNING sandbox_id, revision
    ), newest AS (
      SELECT sandbox_id, max(revision) AS revision, count(*) AS n FROM del GROUP BY sandbox_id
    ), upd AS (
      UPDATE sandboxes s SET compacted_revision = greatest(s.compacted_revision, newest.revision)
      FROM newest WHERE s.id = newest.sandbox_id
    )
    SELECT coalesce(sum(n), 0) AS deleted FROM newest`;
  const deleted = Number(row?.deleted ?? 0);
  // What this process keeps of recent commits must not outlive the log it mirrors.
  if (deleted) recentChanges(database.url).forgetAll();
  return deleted;
}
