import { randomBytes, randomUUID } from "node:crypto";
import type { Queryable } from "../sql.ts";
import { decryptCompact, encryptCompact, importAesKey } from "./jwe.ts";
import type { Kek } from "./kek.ts";
import type { Keyring } from "./keyring.ts";

/** A sandbox's data key, unwrapped: its kid and the (non-extractable) key. */
export interface DataKey {
  kid: string;
  key: CryptoKey;
}

/**
 * Unwrapped data keys by sandbox and kid. A kid names one key for ever (re-wrapping keeps it,
 * re-encryption makes a new kid), so entries never go stale; the oldest go past the limit.
 */
const cache = new Map<string, CryptoKey>();
const maxCached = 10_000;

function remember(sandboxId: string, kid: string, key: CryptoKey): CryptoKey {
  const id = `${sandboxId}/${kid}`;
  cache.delete(id);
  cache.set(id, key);
  if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
  return key;
}

/** Wraps raw data-key bytes under a KEK: a compact JWE with the KEK's kid. */
export function wrapDataKey(kek: Kek, raw: Uint8Array): Promise<string> {
  return encryptCompact(kek.key, kek.kid, raw);
}

/** The raw bytes of a wrapped data key (the caller zeroes or imports them). */
export function unwrapDataKeyBytes(keyring: Keyring, wrapped: string): Promise<Uint8Array> {
  return decryptCompact(wrapped, async (kid) => (await keyring.require(kid)).key);
}

/** Unwraps a data key into a non-extractable AES key. */
async function unwrap(keyring: Keyring, sandboxId: string, kid: string, wrapped: string): Promise<CryptoKey> {
  const cached = cache.get(`${sandboxId}/${kid}`);
  if (cached) return cached;
  return remember(sandboxId, kid, await importAesKey(await unwrapDataKeyBytes(keyring, wrapped)));
}

/**
 * Makes a new data key for a sandbox, wrapped under the newest active KEK, in the caller's
 * transaction. It becomes the sandbox's current key (the newest).
 */
export async function createDataKey(tx: Queryable, sandboxId: string, keyring: Keyring): Promise<DataKey> {
  await keyring.refresh();
  const raw = randomBytes(32);
  const kid = randomUUID();
  const wrapped = await wrapDataKey(keyring.active, raw);
  await tx`
    INSERT INTO sandbox_keys (sandbox_id, kid, kek_kid, wrapped)
    VALUES (${sandboxId}, ${kid}, ${keyring.active.kid}, ${wrapped})`;
  return { kid, key: remember(sandboxId, kid, await importAesKey(raw)) };
}

/**
 * The key new Secret data of a sandbox is encrypted with: its newest data key, made on first use.
 * Read in the writer's transaction, which holds the sandbox's lock, so it cannot be replaced
 * (by re-encryption) before the write commits.
 */
export async function currentDataKey(tx: Queryable, sandboxId: string, keyring: Keyring): Promise<DataKey> {
  const [row] = await tx<{ kid: string; wrapped: string }[]>`
    SELECT kid, wrapped FROM sandbox_keys WHERE sandbox_id = ${sandboxId}
    ORDER BY created_at DESC, kid DESC LIMIT 1`;
  if (!row) return createDataKey(tx, sandboxId, keyring);
  return { kid: row.kid, key: await unwrap(keyring, sandboxId, row.kid, row.wrapped) };
}

/** The data key a ciphertext names; an error when the sandbox has no such key. */
export async function dataKey(
  sql: Queryable,
  sandboxId: string,
  kid: string,
  keyring: Keyring,
): Promise<CryptoKey> {
  const cached = cache.get(`${sandboxId}/${kid}`);
  if (cached) return cached;
  const [row] = await sql<{ wrapped: string }[]>`
    SELECT wrapped FROM sandbox_keys WHERE sandbox_id = ${sandboxId} AND kid = ${kid}`;
  if (!row) throw new Error(`data key ${kid} of sandbox ${sandboxId} does not exist`);
  return unwrap(keyring, sandboxId, kid, row.wrapped);
}
