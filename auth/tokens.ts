import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { apiAudiences } from "../kube/kinds/serviceaccount/token-request.ts";

const issuer = "kubesandbox";
/** Audience of login tokens (GraphQL). */
export const userAudience = "kubesandbox:user";
/** Audience of sandbox tokens (kubeconfigs). */
export const sandboxAudience = "kubesandbox:sandbox";

/** The service account a token was requested for (TokenRequest), as its `kubernetes.io` claim names it. */
export interface ServiceAccountClaim {
  namespace: string;
  name: string;
  uid: string;
}

/**
 * What a verified token says; `sandboxId` only for sandbox tokens, `serviceAccount` only for the
 * sandbox tokens a TokenRequest made (whose `userId` is the sandbox's owner).
 */
export interface TokenClaims {
  tokenId: string;
  userId: string;
  sandboxId: string | null;
  serviceAccount?: ServiceAccountClaim;
}

/** A token to sign: its id (the revocable `jti`), whom it is for, and its lifetime. */
export interface TokenSpec {
  tokenId: string;
  userId: string;
  sandboxId: string | null;
  /** For a service account's token: which one (a sandbox token then), and its audiences. */
  serviceAccount?: ServiceAccountClaim;
  audiences?: string[];
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
  const account = spec.serviceAccount;
  // A service account's token names it as the API server's do, under "kubernetes.io".
  const claims = account
    ? {
        "kubernetes.io": {
          namespace: account.namespace,
          serviceaccount: { name: account.name, uid: account.uid },
        },
      }
    : {};
  return new SignJWT(spec.sandboxId ? { sbx: spec.sandboxId, ...claims } : {})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(account ? (spec.audiences ?? apiAudiences) : spec.sandboxId ? sandboxAudience : userAudience)
    .setSubject(spec.userId)
    .setJti(spec.tokenId)
    .setIssuedAt(Math.floor(spec.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(spec.expiresAt.getTime() / 1000))
    .sign(await hmacKey(key));
}

/**
 * Tokens that verified lately, per signing key, by their SHA-256 (not the token itself). A
 * client sends the same token with every request, and checking its HMAC through WebCrypto cost
 * ~0.25 ms of the event loop each time: a quarter of a GET. Only what verification proves is
 * kept (a signature and the claims it signs do not change); the expiry and the audience asked
 * for are checked on every use, and revocation is not verification's concern (accounts/access).
 */
const verified = new WeakMap<
  Uint8Array,
  Map<string, { claims: TokenClaims; audience: string; expiresMs: number }>
>();
/** Entries kept per key at most; past it the oldest go (a Map iterates in insertion order). */
const maxVerified = 10_000;

/** Verifies signature, issuer, audience and expiry; null for anything that is not our valid token. */
export async function verifyToken(
  key: Uint8Array,
  token: string,
  audience: string[],
): Promise<TokenClaims | null> {
  let memo = verified.get(key);
  if (!memo) {
    memo = new Map();
    verified.set(key, memo);
  }
  const digest = createHash("sha256").update(token).digest("base64");
  const known = memo.get(digest);
  if (known && known.expiresMs > Date.now()) return audience.includes(known.audience) ? known.claims : null;
  if (known) memo.delete(digest);
  try {
    const { payload } = await jwtVerify(token, await hmacKey(key), { issuer, algorithms: ["HS256"] });
    if (typeof payload.jti !== "string" || typeof payload.sub !== "string") return null;
    const sandboxId = typeof payload.sbx === "string" ? payload.sbx : null;
    const account = serviceAccountClaim(payload["kubernetes.io"]);
    if (account === null || (account && !sandboxId)) return null;
    const tokenAudience = audienceOf(payload.aud, account !== undefined);
    if (!tokenAudience || !audience.includes(tokenAudience)) return null;
    if ((tokenAudience === sandboxAudience) !== (sandboxId !== null)) return null;
    const claims = {
      tokenId: payload.jti,
      userId: payload.sub,
      sandboxId,
      ...(account ? { serviceAccount: account } : {}),
    };
    if (typeof payload.exp === "number") {
      if (memo.size >= maxVerified) memo.delete(memo.keys().next().value as string);
      memo.set(digest, { claims, audience: tokenAudience, expiresMs: payload.exp * 1000 });
    }
    return claims;
  } catch {
    return null;
  }
}

/** The `kubernetes.io` claim's service account; undefined when absent, null when malformed. */
function serviceAccountClaim(claim: unknown): ServiceAccountClaim | undefined | null {
  if (claim === undefined) return undefined;
  const c = claim as { namespace?: unknown; serviceaccount?: { name?: unknown; uid?: unknown } } | null;
  const [namespace, name, uid] = [c?.namespace, c?.serviceaccount?.name, c?.serviceaccount?.uid];
  if (typeof namespace !== "string" || typeof name !== "string" || typeof uid !== "string") return null;
  return { namespace, name, uid };
}

/**
 * Which of ours a token's `aud` makes it: a login or sandbox token names one audience; a service
 * account's token is a sandbox token when its audiences include the API server's (as the API
 * server accepts only tokens meant for it: one requested for "vault" is not), else none.
 */
function audienceOf(aud: unknown, serviceAccount: boolean): string | null {
  if (serviceAccount) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    return audiences.some((a) => apiAudiences.includes(a)) ? sandboxAudience : null;
  }
  return typeof aud === "string" ? aud : null;
}
