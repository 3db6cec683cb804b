import type { Queryable, Sql } from "../sql.ts";
import { createDataKey, dataKey } from "./data-keys.ts";
import { boundTo, decryptJson, encryptJson } from "./jwe.ts";
import type { Keyring } from "./keyring.ts";
import { sealedField } from "./secret-sealer.ts";

/**
 * Sandboxes whose newest data key is older than the active KEK's registration: the ones
 * `--reencrypt` has not given a fresh key yet (so a resumed run skips those it finished).
 */
async function staleSandboxes(sql: Sql, activeKid: string, after: string, limit: number): Promise<string[]> {
  const rows = await sql<{ sandbox_id: string }[]>`
    SELECT sandbox_id FROM sandbox_keys
    WHERE sandbox_id > ${after}::uuid
    GROUP BY sandbox_id
    HAVING max(created_at) < (SELECT created_at FROM key_encryption_keys WHERE kid = ${activeKid})
    ORDER BY sandbox_id LIMIT ${limit}`;
  return rows.map((r) => r.sandbox_id);
}

/** Re-encrypts one sealed value of a sandbox under `key`. */
async function reseal(
  tx: Queryable,
  sandboxId: string,
  keyring: Keyring,
  sealed: string,
  key: { kid: string; key: CryptoKey },
): Promise<string> {
  const payload = await decryptJson(sealed, (kid) => dataKey(tx, sandboxId, kid, keyring));
  return encryptJson(key.key, key.kid, payload, boundTo(sealed));
}

/**
 * Gives one sandbox a fresh data key and re-encrypts every sealed Secret body under it, in the
 * objects and in the change log, in one transaction holding the sandbox's write lock (so no
 * write interleaves). Objects keep their resourceVersion: their content is unchanged. The old
 * data keys are then unreferenced; dropSupersededKeys removes them later.
 */
export async function reencryptSandbox(sql: Sql, sandboxId: string, keyring: Keyring): Promise<number> {
  return (await sql.begin(async (tx) => {
    const [locked] = await tx`SELECT id FROM sandboxes WHERE id = ${sandboxId} FOR UPDATE`;
    if (!locked) return 0;
    const key = await createDataKey(tx, sandboxId, keyring);
    let count = 0;
    const objects = await tx<{ resource: string; namespace: string; name: string; sealed: string }[]>`
      SELECT resource, namespace, name, body->>${sealedField} AS sealed FROM objects
      WHERE sandbox_id = ${sandboxId} AND body ? ${sealedField}`;
    for (const o of objects) {
      const next = await reseal(tx, sandboxId, keyring, o.sealed, key);
      await tx`
        UPDATE objects SET body = jsonb_set(body, ${[sealedField]}::text[], to_jsonb(${next}::text))
        WHERE sandbox_id = ${sandboxId} AND resource = ${o.resource}
          AND namespace = ${o.namespace} AND name = ${o.name}`;
      count++;
    }
    const changes = await tx<{ revision: string; sealed: string }[]>`
      SELECT revision, object->>${sealedField} AS sealed FROM changes
      WHERE sandbox_id = ${sandboxId} AND object ? ${sealedField}`;
    for (const c of changes) {
      const next = await reseal(tx, sandboxId, keyring, c.sealed, key);
      await tx`
        UPDATE changes SET object = jsonb_set(object, ${[sealedField]}::text[], to_jsonb(${next}::text))
        WHERE sandbox_id = ${sandboxId} AND revision = ${c.revision}`;
    }
    return count;
  })) as number;
}

/** Re-encrypts every sandbox not yet done under fresh data keys; returns the Secrets re-encrypted. */
export async function reencryptAll(sql: Sql, keyring: Keyring, log: (line: string) => void): Promise<number> {
  let after = "00000000-0000-0000-0000-000000000000";
  let total = 0;
  for (;;) {
    const batch = await staleSandboxes(sql, keyring.active.kid, after, 100);
    if (!batch.length) return total;
    for (const sandboxId of batch) {
      total += await reencryptSandbox(sql, sandboxId, keyring);
      after = sandboxId;
    }
    log(`re-encrypted ${total} Secrets so far`);
  }
}

/**
 * Removes data keys that a newer key of the same sandbox superseded (re-encryption rewrote
 * everything they sealed) at least `graceSeconds` ago, so a read that fetched a body just before
 * the re-encryption can still open it.
 */
export async function dropSupersededKeys(sql: Sql, graceSeconds: number): Promise<number> {
  const dropped = await sql`
    DELETE FROM sandbox_keys k WHERE EXISTS (
      SELECT 1 FROM sandbox_keys n
      WHERE n.sandbox_id = k.sandbox_id AND n.created_at > k.created_at
        AND n.created_at < now() - make_interval(secs => ${graceSeconds}))`;
  return dropped.count;
}
