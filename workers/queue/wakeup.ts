import type { Database } from "../../db/connection.ts";
import { log } from "../../log.ts";

/**
 * graphile-worker finds a job whose run_at is in the future only when it next polls (once a
 * second here), so a 30 ms ContainerCreating step would take up to a second. This nudges the
 * workers when such a job falls due, with the NOTIFY they listen on for new jobs. It is only an
 * accelerator: the job is in the queue either way, and a lost nudge (a restart) costs a poll.
 * One timer serves every pending wake-up of the process, set for the earliest.
 */

/** Wake-ups further out than this wait for the queue's own poll. */
const horizonMs = 5_000;

const pending: number[] = [];
let timer: NodeJS.Timeout | null = null;
let armedFor = Number.POSITIVE_INFINITY;

function arm(database: Database): void {
  const first = pending[0];
  if (first === undefined || first >= armedFor) return;
  if (timer) clearTimeout(timer);
  armedFor = first;
  // A little after: the queue compares run_at with the database's clock.
  timer = setTimeout(() => fire(database), Math.max(0, first - Date.now()) + 2);
  timer.unref();
}

function fire(database: Database): void {
  timer = null;
  armedFor = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let due = 0;
  while (pending.length && (pending[0] as number) <= now + 1) {
    pending.shift();
    due++;
  }
  database.sql`SELECT pg_notify('jobs:insert', ${JSON.stringify({ count: due })})`.catch((err) =>
    log.debug({ err }, "queue wake-up failed"),
  );
  arm(database);
}

/** Asks for the queue's workers to be nudged at `at` (ms), when a delayed job becomes due. */
export function wakeAt(database: Database, at: number): void {
  if (at - Date.now() > horizonMs) return;
  const i = pending.findIndex((t) => t > at);
  pending.splice(i === -1 ? pending.length : i, 0, at);
  arm(database);
}
