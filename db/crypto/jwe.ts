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

/** Encrypts bytes under `key`, naming it `kid` in the protected header. */
export function encryptCompact(key: CryptoKey, kid: string, plaintext: Uint8Array): Promise<string> {
  return new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256GCM", kid }).encrypt(key);
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

/** Encrypts a JSON value. */
export function encryptJson(key: CryptoKey, kid: string, value: unknown): Promise<string> {
  return encryptCompact(key, kid, new TextEncoder().encode(JSON.stringify(value)));
}

/** Decrypts a JSON value. */
export async function decryptJson(
  jwe: string,
  keyFor: (kid: string) => Promise<CryptoKey>,
): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await decryptCompact(jwe, keyFor)));
}
