import type { Sql } from "../sql.ts";
import { dataKey } from "./data-keys.ts";
import { decryptJson } from "./jwe.ts";
import type { Keyring } from "./keyring.ts";
import { sealedField } from "./secret-sealer.ts";

/** One KEK as `keys list` shows it. */
export interface KekStatus {
  kid: string;
  active: boolean;
  inKeyring: boolean;
  registered: boolean;
  /** Data keys it wraps. */
  dataKeys: number;
}

/** The KEKs of the keyring and of the database, and how many data keys each wraps. */
export async function listKeks(sql: Sql, keyring: Keyring): Promise<KekStatus[]> {
  const rows = await sql<{ kid: string; registered: boolean; n: number }[]>`
    SELECT kid, bool_or(registered) AS registered, sum(n)::int AS n FROM (
      SELECT kid, true AS registered, 0 AS n FROM key_encryption_keys
      UNION ALL SELECT kek_kid, false, count(*)::int FROM sandbox_keys GROUP BY kek_kid
    ) k GROUP BY kid`;
  const kids = [...new Set([...keyring.kids, ...rows.map((r) => r.kid)])];
  return kids.map((kid) => {
    const row = rows.find((r) => r.kid === kid);
    return {
      kid,
      active: kid === keyring.active.kid,
      inKeyring: !!keyring.get(kid),
      registered: !!row?.registered,
      dataKeys: row?.n ?? 0,
    };
  });
}

const pageSize = 500;

/** What `keys verify` found: sealed values that opened, and the places of those that did not. */
export interface VerifyResult {
  opened: number;
  failed: string[];
}

/**
 * Decrypts every sealed Secret body, in the objects and in the change log, and drops the result:
 * proof that everything stored is readable with this keyring. Reports places, never values.
 */
export async function verifySealed(sql: Sql, keyring: Keyring): Promise<VerifyResult> {
  const result: VerifyResult = { opened: 0, failed: [] };
  const attempt = async (sandboxId: string, sealed: string, where: string) => {
    try {
      await decryptJson(sealed, (kid) => dataKey(sql, sandboxId, kid, keyring));
      result.opened++;
    } catch (err) {
      result.failed.push(`${where}: ${(err as Error).message}`);
    }
  };
  // Page by primary key, so a large database is read a batch at a time.
  let after = { sandbox: "00000000-0000-0000-0000-000000000000", resource: "", namespace: "", name: "" };
  for (;;) {
    const rows = await sql<
      { sandbox_id: string; resource: string; namespace: string; name: string; sealed: string }[]
    >`
      SELECT sandbox_id, resource, namespace, name, body->>${sealedField} AS sealed FROM objects
      WHERE body ? ${sealedField} AND (sandbox_id, resource, namespace, name)
        > (${after.sandbox}::uuid, ${after.resource}, ${after.namespace}, ${after.name})
      ORDER BY sandbox_id, resource, namespace, name LIMIT ${pageSize}`;
    for (const r of rows)
      await attempt(r.sandbox_id, r.sealed, `sandbox ${r.sandbox_id} ${r.resource} ${r.namespace}/${r.name}`);
    const last = rows[rows.length - 1];
    if (!last) break;
    after = { sandbox: last.sandbox_id, resource: last.resource, namespace: last.namespace, name: last.name };
  }
  let from = { sandbox: "00000000-0000-0000-0000-000000000000", revision: "-1" };
  for (;;) {
    const rows = await sql<{ sandbox_id: string; revision: string; sealed: string }[]>`
      SELECT sandbox_id, revision, object->>${sealedField} AS sealed FROM changes
      WHERE object ? ${sealedField} AND (sandbox_id, revision) > (${from.sandbox}::uuid, ${from.revision}::bigint)
      ORDER BY sandbox_id, revision LIMIT ${pageSize}`;
    for (const r of rows)
      await attempt(r.sandbox_id, r.sealed, `sandbox ${r.sandbox_id} change ${r.revision}`);
    const last = rows[rows.length - 1];
    if (!last) break;
    from = { sandbox: last.sandbox_id, revision: String(last.revision) };
  }
  return result;
}
