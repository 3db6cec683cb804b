import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";

/**
 * Compact JWE with direct AES-256-GCM (`alg: dir`, `enc: A256GCM`), the one form every encrypted
 * value takes here: Secret data under a sandbox's data key, data keys under a key-encryption key.
 * The `kid` header names the key, so keys can rotate and old ciphertexts stay readable.
 */

const decryptOptions = { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] };

/**
 * Makes a non-extractable AES-256-GCM key from 32 raw bytes, then zeroes the bytes: from here on
 * the key material is held only inside WebCrypto.
 */
export async function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error(`an AES-256 key has 32 bytes, not ${raw.length}`);
  try {
    // Buffers and jose's plaintexts are backed by ArrayBuffers, never SharedArrayBuffers.
    const bytes = raw as Uint8Array<ArrayBuffer>;
    return await crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}

/**
 * Encrypts bytes under `key`, naming it `kid` in the protected header, and optionally the object
 * the value belongs to (`obj`): the protected header is authenticated with the ciphertext, so a
 * value moved to another object no longer opens as that object's.
 */
export function encryptCompact(
  key: CryptoKey,
  kid: string,
  plaintext: Uint8Array,
  obj?: string,
): Promise<string> {
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid, ...(obj === undefined ? {} : { obj }) })
    .encrypt(key);
}

/** The object a compact JWE was sealed for (its authenticated `obj` header), if any. */
export function boundTo(jwe: string): string | undefined {
  const { obj } = decodeProtectedHeader(jwe);
  return typeof obj === "string" ? obj : undefined;
}

/** Decrypts a compact JWE with the key its `kid` names; throws when it does not decrypt. */
export async function decryptCompact(
  jwe: string,
  keyFor: (kid: string) => Promise<CryptoKey>,
): Promise<Uint8Array> {
  const key = await keyFor(kidOf(jwe));
  const { plaintext } = await compactDecrypt(jwe, key, decryptOptions);
  return plaintext;
}

/** The `kid` a compact JWE names (read without decrypting). */
export function kidOf(jwe: string): string {
  const { kid } = decodeProtectedHeader(jwe);
  if (typeof kid !== "string" || !kid) throw new Error("encrypted value without a kid header");
  return kid;
}

/** Encrypts a JSON value, bound to an object when `obj` is given. */
export function encryptJson(key: CryptoKey, kid: string, value: unknown, obj?: string): Promise<string> {
  return encryptCompact(key, kid, new TextEncoder().encode(JSON.stringify(value)), obj);
}

/** Decrypts a JSON value. */
export async function decryptJson(
  jwe: string,
  keyFor: (kid: string) => Promise<CryptoKey>,
): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await decryptCompact(jwe, keyFor)));
}
