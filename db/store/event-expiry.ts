import type { Queryable } from "../sql.ts";

/**
 * Events live an hour after their last write, as the API server's `--event-ttl` (1h by default)
 * keeps them: etcd drops an event whose lease ran out. Here time does it, not a timer: a read
 * shows only events written within the hour, and a scheduled sweep (workers/event-expiry)
 * deletes the rest through the write path, so a watch sees them go as it sees etcd's expiry.
 */
export const eventTtlSeconds = 3600;

/**
 * When an event was last written: the latest of its server-set creationTimestamp, the times a
 * recorder writes on each repeat (lastTimestamp, eventTime, series.lastObservedTime) and the
 * times of its managed fields (set by the server on every write of a client). Compared as text:
 * the API server writes them in UTC, RFC 3339, so their order is the times' order to the second.
 */
function lastWrittenSql(alias: string): string {
  const body = `${alias}.body`;
  return `greatest(${body} -> 'metadata' ->> 'creationTimestamp', ${body} ->> 'lastTimestamp',
    ${body} ->> 'eventTime', ${body} -> 'series' ->> 'lastObservedTime',
    (SELECT max(m ->> 'time') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${body} -> 'metadata' -> 'managedFields') = 'array'
      THEN ${body} -> 'metadata' -> 'managedFields' ELSE '[]'::jsonb END) m))`;
}

/** The oldest last-write time an event may have and still be served, as its text form ("…Z"). */
export function eventCutoff(now = Date.now()): string {
  return new Date(now - eventTtlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * A condition on the row `alias` of objects: true unless it is an event whose hour has passed.
 * Rows of other resources always pass.
 */
export function notExpired(sql: Queryable, alias = "objects", now = Date.now()) {
  return sql`(${sql.unsafe(`${alias}.resource`)} <> 'events'
    OR coalesce(${sql.unsafe(lastWrittenSql(alias))} >= ${eventCutoff(now)}, true))`;
}

/** The condition's negation for events: an event whose hour has passed. */
export function expiredEvent(sql: Queryable, alias = "objects", now = Date.now()) {
  return sql`(${sql.unsafe(`${alias}.resource`)} = 'events'
    AND ${sql.unsafe(lastWrittenSql(alias))} < ${eventCutoff(now)})`;
}
