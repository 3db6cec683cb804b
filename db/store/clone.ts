import { randomUUID } from "node:crypto";
import type { KubeObject } from "../../kube/object.ts";
import type { ObjectKey } from "../../kube/object-store.ts";
import { rowsCopied } from "../pods/rows.ts";
import type { Queryable } from "../sql.ts";

/** An object as a fork or a reset copies it: its key and its stored body (a Secret's still sealed). */
export interface StoredCopy {
  key: ObjectKey;
  object: KubeObject;
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Every object of a sandbox as stored, in the order it was written, in one statement. Bodies stay
 * as stored: a Secret's data is still sealed under the sandbox's data key, which the copy's
 * sandbox gets too (copyDataKeys); nothing is decrypted.
 */
export async function storedObjects(sql: Queryable, sandboxId: string): Promise<StoredCopy[]> {
  const rows = await sql<{ resource: string; namespace: string; name: string; body: KubeObject }[]>`
    SELECT resource, namespace, name, body FROM objects
    WHERE sandbox_id = ${sandboxId} ORDER BY resource_version`;
  return rows.map((r) => ({
    key: { resource: r.resource, namespace: r.namespace, name: r.name },
    object: r.body,
  }));
}

/**
 * The objects of a sandbox, ready to be written into another through its writer (a reset), read
 * in one statement, in the order they were written. Each gets a new uid, and every reference to
 * an old uid inside any body (owner references, an event's involved object, an endpoint's
 * target) names the new one, so the copies hang together as objects new to the sandbox they go
 * into, distinct from any it held before (a controller must not take a copy for the object it
 * replaces). The bodies are rewritten as text, one pass each, then parsed. `renamed`: each old
 * uid's new one (the copy's pod rows follow it: db/pods/rows.ts).
 */
export async function freshCopies(
  sql: Queryable,
  sandboxId: string,
): Promise<{ copies: StoredCopy[]; renamed: Map<string, string> }> {
  const stored = await sql<
    { resource: string; namespace: string; name: string; uid: string; text: string }[]
  >`
    SELECT resource, namespace, name, uid, body::text AS text FROM objects
    WHERE sandbox_id = ${sandboxId} ORDER BY resource_version`;
  const renamed = new Map(stored.map((o) => [o.uid, randomUUID()]));
  const copies = stored.map((o) => ({
    key: { resource: o.resource, namespace: o.namespace, name: o.name },
    object: JSON.parse(o.text.replace(uuidPattern, (uid) => renamed.get(uid) ?? uid)) as KubeObject,
  }));
  return { copies, renamed };
}

/**
 * Gives a sandbox the data keys of another (the same wrapped keys, under their kids), so the
 * sealed Secrets copied from it open in the copy. Sent in the caller's transaction.
 */
export function copyDataKeys(tx: Queryable, from: string, to: string) {
  return tx`WITH ${dataKeysCopied(tx, from, to)} SELECT 1`.execute();
}

/** copyDataKeys as a common table expression, for a statement that copies the objects too. */
function dataKeysCopied(tx: Queryable, from: string, to: string) {
  return tx`keys_copied AS (
      INSERT INTO sandbox_keys (sandbox_id, kid, kek_kid, wrapped, created_at)
      SELECT ${to}, kid, kek_kid, wrapped, created_at FROM sandbox_keys WHERE sandbox_id = ${from}
      ON CONFLICT DO NOTHING
    )`;
}

/**
 * Copies every object of sandbox `from` into `to`, a sandbox this transaction has just made (at
 * revision 0), in one statement that reads nothing back: as a cluster restored from a snapshot
 * of `from` (an etcd restore), each object keeps its uid, its resourceVersion and its body; the
 * copy gets its source's revision and bytes, and counts the objects it copied, all read in the
 * statement's one snapshot. Every reference inside a body (owner references, an event's involved
 * object, an endpoint's target) still names the object it did. Its pods' files, log journals and
 * settled runs are copied under the same uids (db/pods/rows.ts); sealed Secrets stay sealed, and
 * the copy gets the data keys they are sealed under, read in the same snapshot (copyDataKeys).
 * The copy starts with its history compacted at that revision: its objects were never written in
 * it, so it logs no change for them, and a watch or subscription from before it is told Gone
 * (clients list, then watch from it). A source that is gone leaves the copy empty. Sent in the
 * caller's transaction; resolves to the revision.
 */
export function writeCopy(tx: Queryable, from: string, to: string) {
  return tx<{ revision: string }[]>`
    WITH source AS (
      SELECT revision, object_bytes FROM sandboxes WHERE id = ${from}
    ), ${dataKeysCopied(tx, from, to)}, ${rowsCopied(tx, from, to, null)}, inserted AS (
      INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
      SELECT ${to}, resource, namespace, name, uid, resource_version, body FROM objects
      WHERE sandbox_id = ${from}
      RETURNING 1
    )
    UPDATE sandboxes SET revision = s.revision, compacted_revision = s.revision,
      object_count = (SELECT count(*) FROM inserted), object_bytes = s.object_bytes
    FROM source s
    WHERE id = ${to}
    RETURNING sandboxes.revision`.execute();
}
