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
 * The objects of a sandbox, ready to be written into another: each gets a new uid, and every
 * reference to an old uid inside any copied object (owner references, an event's involved
 * object, an endpoint's target) names the new one, so the copy is a cluster of its own that
 * still hangs together. Read in one statement; the uids are swapped in one pass over the text.
 * `renamed`: each old uid's new one (the copy's pod rows follow it: db/pods/rows.ts).
 */
export async function freshCopies(
  sql: Queryable,
  sandboxId: string,
): Promise<{ copies: StoredCopy[]; renamed: Map<string, string> }> {
  const stored = await storedObjects(sql, sandboxId);
  const renamed = new Map<string, string>();
  for (const { object } of stored) if (object.metadata.uid) renamed.set(object.metadata.uid, randomUUID());
  const text = JSON.stringify(stored).replace(uuidPattern, (uid) => renamed.get(uid) ?? uid);
  return { copies: JSON.parse(text) as StoredCopy[], renamed };
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

/**
 * Copies every object of sandbox `from` into `to`, a sandbox this transaction has just made (at
 * revision 0), in one statement that never leaves Postgres, as the bench's scale set-up clones
 * sandboxes: each object gets a new uid, every reference to an old uid in any copied body (owner
 * references, an event's involved object, an endpoint's target) is rewritten to the new one —
 * each body's text split around the uuids it holds and put back together with the new ones —
 * resourceVersions are renumbered 1…n in the order they were written, and the sandbox's
 * revision set to n, its object count to n and its bytes to the source's (each new uid is as
 * long as the old one, so the bodies are too); its pods' files, log journals and settled runs
 * are copied under their new uids (db/pods/rows.ts). Sealed Secrets stay sealed (the copy gets
 * the data keys: copyDataKeys). The copy starts with its history compacted at n, as a cluster
 * restored from a snapshot does: its objects were never written in it, so it logs no change
 * for them, and a watch or subscription from before n is told Gone (clients list, then watch
 * from n). Half the rows and WAL of a copy with its log. Sent in the caller's transaction;
 * resolves to n.
 */
export function cloneObjects(tx: Queryable, from: string, to: string) {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  return tx<{ revision: string }[]>`
    WITH src AS (
      SELECT resource, namespace, name, uid, resource_version, body::text AS text FROM objects WHERE sandbox_id = ${from}
    ), renamed AS (
      SELECT uid::text AS old, gen_random_uuid()::text AS new FROM src
    ), ${rowsCopied(tx, from, to)}, copied AS (
      SELECT s.resource, s.namespace, s.name, r.new::uuid AS uid,
        row_number() OVER (ORDER BY s.resource_version) AS rv,
        (SELECT string_agg(p.piece || coalesce(n.new, m.match[1], ''), '' ORDER BY p.i)
           FROM regexp_split_to_table(s.text, ${uuid}) WITH ORDINALITY AS p(piece, i)
           LEFT JOIN regexp_matches(s.text, ${uuid}, 'g') WITH ORDINALITY AS m(match, i) ON m.i = p.i
           LEFT JOIN renamed n ON n.old = m.match[1])::jsonb AS body
      FROM src s JOIN renamed r ON r.old = s.uid::text
    ), inserted AS (
      INSERT INTO objects (sandbox_id, resource, namespace, name, uid, resource_version, body)
      SELECT ${to}, resource, namespace, name, uid, rv, body FROM copied
    )
    UPDATE sandboxes SET revision = n.n, compacted_revision = n.n, object_count = n.n,
      object_bytes = (SELECT object_bytes FROM sandboxes WHERE id = ${from})
    FROM (SELECT count(*) AS n FROM copied) n
    WHERE id = ${to}
    RETURNING revision`.execute();
}
