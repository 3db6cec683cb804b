import type { Queryable } from "../sql.ts";
import { ownerExists } from "./rows.ts";

/**
 * The pod journal (db/schema.ts, pod_log_lines): lines other processes wrote to a container's
 * log. Written idempotently (a line's `source` names the write), read by container run.
 */

/** One line; with `periodMs`, it repeats every period from `atMs`. */
export interface JournalLine {
  source: string;
  atMs: number;
  periodMs: number | null;
  stream: "stdout" | "stderr";
  text: string;
}

/**
 * Appends lines to a container run's log (lines already there, by source, are left alone; none
 * once the pod is gone).
 */
export async function appendJournal(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  containerId: string,
  lines: JournalLine[],
): Promise<void> {
  if (!lines.length) return;
  await sql`INSERT INTO pod_log_lines (sandbox_id, pod_uid, container_id, source, at_ms, period_ms, stream, text)
    SELECT ${sandboxId}, ${podUid}, ${containerId}, s, a, p, st, t
    FROM unnest(${lines.map((l) => l.source)}::text[], ${lines.map((l) => l.atMs)}::bigint[],
      ${lines.map((l) => l.periodMs)}::bigint[], ${lines.map((l) => l.stream)}::text[], ${lines.map((l) => l.text)}::text[])
      AS x(s, a, p, st, t)
    WHERE ${ownerExists(sql, sandboxId, podUid)}
    ON CONFLICT DO NOTHING`;
}

/** A container run's journal lines from `atMs` on or repeating, oldest first. */
export async function readJournal(
  sql: Queryable,
  sandboxId: string,
  podUid: string,
  containerId: string,
): Promise<JournalLine[]> {
  const rows = await sql<
    { source: string; at_ms: string; period_ms: string | null; stream: string; text: string }[]
  >`
    SELECT source, at_ms, period_ms, stream, text FROM pod_log_lines
    WHERE sandbox_id = ${sandboxId} AND pod_uid = ${podUid} AND container_id = ${containerId}
    ORDER BY at_ms, source`;
  return rows.map((r) => ({
    source: r.source,
    atMs: Number(r.at_ms),
    periodMs: r.period_ms === null ? null : Number(r.period_ms),
    stream: r.stream === "stderr" ? "stderr" : "stdout",
    text: r.text,
  }));
}
