import type { Sql } from "../sql.ts";
import { unwrapDataKeyBytes, wrapDataKey } from "./data-keys.ts";
import type { Keyring } from "./keyring.ts";

const batchSize = 500;

/** How many data keys are wrapped by a KEK other than `kid`. */
export async function countNotUnder(sql: Sql, kid: string): Promise<number> {
  const [row] = await sql<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM sandbox_keys WHERE kek_kid <> ${kid}`;
  return row?.n ?? 0;
}

/**
 * Re-wraps every data key not yet under the active KEK, a batch at a time, until none is left.
 * Each key is one conditional UPDATE (only if still wrapped as read), so this may stop at any
 * point, run beside the service and other rotations, and start again: a key is always readable,
 * under its old KEK or its new one. The data keys themselves, and so the Secrets, do not change.
 */
export async function rewrapDataKeys(sql: Sql, keyring: Keyring): Promise<number> {
  const active = keyring.active;
  let done = 0;
  for (;;) {
    const rows = await sql<{ sandbox_id: string; kid: string; kek_kid: string; wrapped: string }[]>`
      SELECT sandbox_id, kid, kek_kid, wrapped FROM sandbox_keys
      WHERE kek_kid <> ${active.kid} ORDER BY sandbox_id, kid LIMIT ${batchSize}`;
    if (!rows.length) return done;
    for (const row of rows) {
      const raw = await unwrapDataKeyBytes(keyring, row.wrapped);
      const wrapped = await wrapDataKey(active, raw);
      raw.fill(0);
      const updated = await sql`
        UPDATE sandbox_keys SET wrapped = ${wrapped}, kek_kid = ${active.kid}
        WHERE sandbox_id = ${row.sandbox_id} AND kid = ${row.kid} AND kek_kid = ${row.kek_kid}`;
      done += updated.count;
    }
  }
}
