import { jwtVerify, SignJWT } from "jose";

const issuer = "kubesandbox";
/** Audience of login tokens (GraphQL). */
export const userAudience = "kubesandbox:user";
/** Audience of sandbox tokens (kubeconfigs). */
export const sandboxAudience = "kubesandbox:sandbox";

/** What a verified token says; `sandboxId` only for sandbox tokens. */
export interface TokenClaims {
  tokenId: string;
  userId: string;
  sandboxId: string | null;
}

/** A token to sign: its id (the revocable `jti`), whom it is for, and its lifetime. */
export interface TokenSpec {
  tokenId: string;
  userId: string;
  sandboxId: string | null;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * The signing key as WebCrypto holds it, imported once per key: jose given raw bytes imports
 * them anew on every verification, which every API request makes.
 */
const imported = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function hmacKey(key: Uint8Array): Promise<CryptoKey> {
  let found = imported.get(key);
  if (!found) {
    found = crypto.subtle.importKey("raw", new Uint8Array(key), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    imported.set(key, found);
  }
  return found;
}

/**
 * Signs a JWT (HS256). Signing the same spec twice gives the same token, so a sandbox's
 * kubeconfig can be handed out again without storing the token itself.
 */
export async function signToken(key: Uint8Array, spec: TokenSpec): Promise<string> {
  return new SignJWT(spec.sandboxId ? { sbx: spec.sandboxId } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(spec.sandboxId ? sandboxAudience : userAudience)
    .setSubject(spec.userId)
    .setJti(spec.tokenId)
    .setIssuedAt(Math.floor(spec.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(spec.expiresAt.getTime() / 1000))
    .sign(await hmacKey(key));
}

/** Verifies signature, issuer, audience and expiry; null for anything that is not our valid token. */
export async function verifyToken(
  key: Uint8Array,
  token: string,
  audience: string[],
): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(key), {
      issuer,
      audience,
      algorithms: ["HS256"],
    });
    if (typeof payload.jti !== "string" || typeof payload.sub !== "string") return null;
    const sandboxId = typeof payload.sbx === "string" ? payload.sbx : null;
    if ((payload.aud === sandboxAudience) !== (sandboxId !== null)) return null;
    return { tokenId: payload.jti, userId: payload.sub, sandboxId };
  } catch {
    return null;
  }
}
