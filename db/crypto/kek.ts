import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { importAesKey } from "./jwe.ts";

/** A key-encryption key: the AES-256 key that wraps sandbox data keys, and its `kid`. */
export interface Kek {
  /** The key's RFC 7638 JWK thumbprint: stable, derived from the key, reveals nothing of it. */
  kid: string;
  key: CryptoKey;
}

/** Thrown for any problem with the configured key-encryption keys; start-up stops on it. */
export class KeyringError extends Error {}

const base64Text = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads one KEK from its base64 text (32 bytes, standard base64). `where` names its source in
 * the error, never the text itself.
 */
export async function kekFromBase64(text: string, where: string): Promise<Kek> {
  const trimmed = text.trim();
  const raw = base64Text.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (raw.length !== 32)
    throw new KeyringError(
      `${where}: a key-encryption key is 32 random bytes in standard base64 (44 characters, e.g. from \`openssl rand -base64 32\`)`,
    );
  const kid = await calculateJwkThumbprint({ kty: "oct", k: raw.toString("base64url") });
  return { kid, key: await importAesKey(raw) };
}

/** New KEK material: 32 random bytes, as the base64 text keyrings hold. */
export function newKekText(): string {
  return randomBytes(32).toString("base64");
}
