import { type ServiceAccountClaim, sandboxAudience, userAudience, verifyToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { forbidden, unauthorized } from "../kube/errors.ts";
import { cachedGrant, listenForRevocations, rememberGrant } from "./access-cache.ts";
import { isUuid } from "./sandboxes.ts";

/**
 * Which kind of token a caller holds: the owner's login token, a sandbox's kubeconfig token, or
 * the token a TokenRequest made for one of the sandbox's service accounts.
 */
export type TokenKind = "login" | "sandbox" | "serviceaccount";

/** Who is acting on a sandbox. */
export interface SandboxCaller {
  userId: string;
  tokenId: string;
  kind: TokenKind;
  /** For a service account's token: which one. */
  serviceAccount?: ServiceAccountClaim;
}

/**
 * Authorizes a bearer token for one sandbox: a sandbox token for that sandbox, or the owner's
 * login token. A missing, forged, expired or revoked token is 401; a valid token for another
 * sandbox is 403 with the same answer whether or not that sandbox exists, so nothing leaks.
 * A service account's token is good while its service account (that uid) exists, as the API
 * server checks for its bound tokens.
 */
export async function authorizeSandbox(
  database: Database,
  signingKey: Uint8Array,
  bearer: string | null,
  sandboxId: string,
): Promise<SandboxCaller> {
  if (!bearer) throw unauthorized();
  const claims = await verifyToken(signingKey, bearer, [sandboxAudience, userAudience]);
  if (!claims) throw unauthorized();
  const account = claims.serviceAccount;
  const kind: TokenKind = account ? "serviceaccount" : claims.sandboxId ? "sandbox" : "login";
  const caller: SandboxCaller = {
    userId: claims.userId,
    tokenId: claims.tokenId,
    kind,
    ...(account ? { serviceAccount: account } : {}),
  };
  await listenForRevocations(database);
  if (cachedGrant(claims.tokenId, sandboxId)) return caller;
  const denied = forbidden(`this token is not allowed to use sandbox "${sandboxId}"`);
  const [row] = await database.sql<
    { live: boolean; allowed: boolean; account_exists: boolean; expires_ms: number }[]
  >`
    SELECT (t.revoked_at IS NULL AND t.expires_at > now()) AS live,
           (extract(epoch FROM t.expires_at) * 1000)::float8 AS expires_ms,
           EXISTS (
             SELECT 1 FROM sandboxes s
             WHERE ${isUuid(sandboxId)} AND s.id = ${isUuid(sandboxId) ? sandboxId : null}::uuid
               AND (t.sandbox_id = s.id OR (t.sandbox_id IS NULL AND s.owner_id = t.user_id))
           ) AS allowed,
           ${
             account
               ? database.sql`EXISTS (
                   SELECT 1 FROM objects o
                   WHERE o.sandbox_id = t.sandbox_id AND o.resource = 'serviceaccounts'
                     AND o.namespace = ${account.namespace} AND o.name = ${account.name}
                     AND o.uid::text = ${account.uid}
                 )`
               : database.sql`true`
           } AS account_exists
    FROM tokens t WHERE t.id = ${claims.tokenId} AND t.user_id = ${claims.userId}`;
  if (!row?.live || !row.account_exists) throw unauthorized();
  if (!row.allowed) throw denied;
  rememberGrant(claims.tokenId, sandboxId, row.expires_ms);
  return caller;
}
