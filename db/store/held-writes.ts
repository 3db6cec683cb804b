import type postgres from "postgres";
import type { ObjectKey } from "../../kube/object-store.ts";
import { ownsRows, rowsOfDeletedGone } from "../pods/rows.ts";
import type { ChangeType } from "./changes.ts";
import { objectId } from "./rows.ts";

/** One write a transaction holds: where, its object's uid, its revision, its type, its stored body as JSON. */
export interface HeldWrite {
  key: ObjectKey;
  uid: string | null;
  rv: number;
  type: ChangeType;
  body: string;
}

/** What a held object's row needs at the end: inserted, updated, deleted, or nothing (made and removed). */
type RowOp = "insert" | "update" | "delete" | null;

/**
 * The row operation of each held write: only the last write of an object touches its row, with
 * its last state; whether that inserts, updates or deletes depends on whether the object existed
 * before its first held write (an ADDED first means it did not).
 */
function rowOps(writes: HeldWrite[]): RowOp[] {
  const last = new Map<string, number>();
  const first = new Map<string, ChangeType>();
  writes.forEach((h, i) => {
    const id = objectId(h.key);
    last.set(id, i);
    if (!first.has(id)) first.set(id, h.type);
  });
  return writes.map((h, i) => {
    const id = objectId(h.key);
    if (last.get(id) !== i) return null;
    const existedBefore = first.get(id) !== "ADDED";
    if (h.type === "DELETED") return existedBefore ? "delete" : null;
    return existedBefore ? "update" : "insert";
  });
}

/**
 * The one statement that sends held writes: a change-log row for each, and per object its row
 * made, replaced or removed as its last write left it. Every part of one statement sees the same
 * snapshot, which is why each object's row is touched once. Bodies are spliced in as they were
 * serialized when written (a caller may change its copy since). A deleted pod's or node's rows
 * (its files, log journal, settled runs: db/pods/rows.ts) go in the same statement.
 */
export function sendHeldWrites(
  tx: postgres.TransactionSql,
  sandboxId: string,
  writes: HeldWrite[],
): postgres.PendingQuery<postgres.Row[]> {
  const ops = rowOps(writes);
  const rows = writes.map((h, i) => {
    const meta = { ...h.key, uid: h.uid, rv: h.rv, type: h.type, op: ops[i] };
    return `${JSON.stringify(meta).slice(0, -1)},"body":${h.body}}`;
  });
  const dropsRows = writes.some((h) => h.type === "DELETED" && ownsRows(h.key.resource));
  return tx`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${`[${rows.join(",")}]`}::jsonb)
        AS r(resource text, namespace text, name text, uid uuid, rv bigint, type text, op text, body jsonb)
    ), inserted AS (
      INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
      SELECT ${sandboxId}, resource, namespace, name, uid, rv, body FROM input WHERE op = 'insert'
    ), updated AS (
      UPDATE objects o SET body = i.body, resource_version = i.rv, uid = i.uid FROM input i
      WHERE i.op = 'update' AND o.sandbox_id = ${sandboxId} AND o.resource = i.resource
        AND o.namespace = i.namespace AND o.name = i.name
    ), deleted AS (
      DELETE FROM objects o USING input i
      WHERE i.op = 'delete' AND o.sandbox_id = ${sandboxId} AND o.resource = i.resource
        AND o.namespace = i.namespace AND o.name = i.name
    )${dropsRows ? tx`, ${rowsOfDeletedGone(tx, sandboxId)}` : tx``}
    INSERT INTO changes (sandbox_id, revision, resource, namespace, name, type, object)
    SELECT ${sandboxId}, rv, resource, namespace, name, type, body FROM input`.execute();
}

/**
 * The key a failed insert of held writes names, read from Postgres's unique-violation detail
 * ("Key (sandbox_id, resource, namespace, name)=(…, pods, default, web) already exists."); the
 * first inserted key when the detail does not say.
 */
export function takenKey(err: unknown, writes: HeldWrite[]): ObjectKey | null {
  const e = err as { code?: string; table_name?: string; detail?: string } | null;
  if (e?.code !== "23505" || e.table_name !== "objects") return null;
  const inserted = writes.filter((h) => h.type === "ADDED").map((h) => h.key);
  const values = /\)=\([^,]+, ([^,]*), ([^,]*), (.*)\) already exists/.exec(e.detail ?? "");
  const named =
    values &&
    inserted.find((k) => k.resource === values[1] && k.namespace === values[2] && k.name === values[3]);
  return named || inserted[0] || null;
}
