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
 * The objects of a sandbox, ready to be written into another through its writer (a reset): the
 * copies readForCopy makes, as objects. `renamed`: each old uid's new one (the copy's pod rows
 * follow it: db/pods/rows.ts).
 */
export async function freshCopies(
  sql: Queryable,
  sandboxId: string,
): Promise<{ copies: StoredCopy[]; renamed: Map<string, string> }> {
  const copy = await readForCopy(sql, sandboxId);
  const copies = copy.rows.map((row) => {
    const { resource, namespace, name, body } = JSON.parse(row) as ObjectKey & { body: KubeObject };
    return { key: { resource, namespace, name }, object: body };
  });
  return { copies, renamed: copy.renamed };
}

/**
 * Gives a sandbox the data keys of another (the same wrapped keys, under their kids), so the
 * sealed Secrets copied from it open in the copy. Sent in the caller's transaction.
 */
export function copyDataKeys(tx: Queryable, from: string, to: string) {
  return tx`
    INSERT INTO sandbox_keys (sandbox_id, kid, kek_kid, wrapped, created_at)
    SELECT ${to}, kid, kek_kid, wrapped, created_at FROM sandbox_keys WHERE sandbox_id = ${from}
    ON CONFLICT DO NOTHING`.execute();
}

/** A sandbox's objects as text, read for a copy, with each old uid's new one (`renamed`). */
export interface SandboxCopy {
  from: string;
  /** One JSON row per object, in the order they were written: key, new uid, new revision, body. */
  rows: string[];
  renamed: Map<string, string>;
  /** The source's stored bytes (SandboxUsage), read with its objects: the copy's are the same. */
  bytes: number;
}

/**
 * Reads every object of sandbox `from` for a copy, in one statement, and makes the copy's
 * bodies: each object gets a new uid, and every reference to an old uid inside any copied body
 * (owner references, an event's involved object, an endpoint's target) names the new one, so
 * the copy is a cluster of its own that still hangs together; resourceVersions are renumbered
 * 1…n in the order they were written. The bodies are rewritten as text, in one pass each:
 * rewritten inside Postgres instead, with its regular expressions, a 140-object sandbox took
 * some 20 ms of the server, four times the copy's own writes.
 */
export async function readForCopy(sql: Queryable, from: string): Promise<SandboxCopy> {
  const stored = await sql<
    { resource: string; namespace: string; name: string; uid: string; text: string; bytes: string }[]
  >`
    SELECT o.resource, o.namespace, o.name, o.uid, o.body::text AS text, s.object_bytes AS bytes
    FROM objects o JOIN sandboxes s ON s.id = o.sandbox_id
    WHERE o.sandbox_id = ${from} ORDER BY o.resource_version`;
  const renamed = new Map(stored.map((o) => [o.uid, randomUUID()]));
  const rows = stored.map((o, i) => {
    const meta = {
      resource: o.resource,
      namespace: o.namespace,
      name: o.name,
      uid: renamed.get(o.uid),
      rv: i + 1,
    };
    const body = o.text.replace(uuidPattern, (uid) => renamed.get(uid) ?? uid);
    return `${JSON.stringify(meta).slice(0, -1)},"body":${body}}`;
  });
  return { from, rows, renamed, bytes: Number(stored[0]?.bytes ?? 0) };
}

/**
 * Writes a copy read by readForCopy into `to`, a sandbox this transaction has just made (at
 * revision 0), in one statement: its objects, the sandbox's revision set to n, its object count
 * to n and its bytes to the source's (each new uid is as long as the old one, so the bodies are
 * too); its pods' files, log journals and settled runs copied under their new uids
 * (db/pods/rows.ts). Sealed Secrets stay sealed (the copy gets the data keys: copyDataKeys). The
 * copy starts with its history compacted at n, as a cluster restored from a snapshot does: its
 * objects were never written in it, so it logs no change for them, and a watch or subscription
 * from before n is told Gone (clients list, then watch from n). Half the rows and WAL of a copy
 * with its log. Sent in the caller's transaction; resolves to n.
 */
export function writeCopy(tx: Queryable, copy: SandboxCopy, to: string) {
  return tx<{ revision: string }[]>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${`[${copy.rows.join(",")}]`}::jsonb)
        AS r(resource text, namespace text, name text, uid uuid, rv bigint, body jsonb)
    ), ${rowsCopied(tx, copy.from, to, copy.renamed)}, inserted AS (
      INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
      SELECT ${to}, resource, namespace, name, uid, rv, body FROM input
    )
    UPDATE sandboxes SET revision = n.n, compacted_revision = n.n, object_count = n.n,
      object_bytes = ${copy.bytes}
    FROM (SELECT count(*) AS n FROM input) n
    WHERE id = ${to}
    RETURNING revision`.execute();
}
