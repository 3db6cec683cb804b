import type { Database } from "../../db/connection.ts";
import { expiredEvent } from "../../db/store/event-expiry.ts";
import { type Row, served } from "../../db/store/rows.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";

/** The most expired events one sweep removes from one sandbox, so one step stays short. */
const perSandbox = 500;
/** The most sandboxes one sweep visits; the next sweep goes on where the rest wait. */
const sandboxesPerSweep = 200;

/**
 * Removes events past their hour (db/store/event-expiry.ts) through the write path, as etcd
 * drops an event whose lease ran out: each leaves a DELETED change that watches see, and the
 * sandbox's object count shrinks. Reads hide them already; this frees the rows. Runs from the
 * queue's crontab for all sandboxes at once, so an idle sandbox costs no job of its own.
 * Returns how many it removed.
 */
export async function sweepExpiredEvents(database: Database, now = Date.now()): Promise<number> {
  // Through the events' partial index: the events of every sandbox, and no other object.
  const sandboxes = await database.sql<{ sandbox_id: string }[]>`
    SELECT DISTINCT sandbox_id FROM objects
    WHERE resource = 'events' AND ${expiredEvent(database.sql, "objects", now)}
    LIMIT ${sandboxesPerSweep}`;
  let removed = 0;
  for (const { sandbox_id: sandboxId } of sandboxes)
    await doneIfSandboxGone(
      inSandbox(database, sandboxId, async (w) => {
        const rows = await w.sql<Row[]>`
          SELECT resource_version, body FROM objects
          WHERE sandbox_id = ${sandboxId} AND resource = 'events'
            AND ${expiredEvent(w.sql, "objects", now)}
          ORDER BY namespace, name LIMIT ${perSandbox}`;
        // No quota counts events (ResourceQuota ignores them), nor does anything depend on one.
        for (const row of rows) {
          const event = served(row);
          const key = { namespace: event.metadata.namespace ?? "", name: event.metadata.name ?? "" };
          await w.delete({ resource: "events", ...key }, event);
        }
        removed += rows.length;
      }),
    );
  return removed;
}
