import { sandboxAudience, userAudience, verifyToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { forbidden, unauthorized } from "../kube/errors.ts";
import { cachedGrant, listenForRevocations, rememberGrant } from "./access-cache.ts";
import { isUuid } from "./sandboxes.ts";

/** Who is acting on a sandbox. */
export interface SandboxCaller {
  userId: string;
  tokenId: string;
}

/**
 * Authorizes a bearer token for one sandbox: a sandbox token for that sandbox, or the owner's
 * login token. A missing, forged, expired or revoked token is 401; a valid token for another
 * sandbox is 403 with the same answer whether or not that sandbox exists, so nothing leaks.
 * `fresh` looks the token up even when a grant is cached (an open stream checking it still may).
 */
export async function authorizeSandbox(
  database: Database,
  signingKey: Uint8Array,
  bearer: string | null,
  sandboxId: string,
  options: { fresh?: boolean } = {},
): Promise<SandboxCaller> {
  if (!bearer) throw unauthorized();
  const claims = await verifyToken(signingKey, bearer, [sandboxAudience, userAudience]);
  if (!claims) throw unauthorized();
  const caller = { userId: claims.userId, tokenId: claims.tokenId };
  await listenForRevocations(database);
  if (!options.fresh && cachedGrant(claims.tokenId, sandboxId)) return caller;
  const denied = forbidden(`this token is not allowed to use sandbox "${sandboxId}"`);
  const [row] = await database.sql<{ live: boolean; allowed: boolean; expires_ms: number }[]>`
    SELECT (t.revoked_at IS NULL AND t.expires_at > now()) AS live,
           (extract(epoch FROM t.expires_at) * 1000)::float8 AS expires_ms,
           EXISTS (
             SELECT 1 FROM sandboxes s
             WHERE ${isUuid(sandboxId)} AND s.id = ${isUuid(sandboxId) ? sandboxId : null}::uuid
               AND (t.sandbox_id = s.id OR (t.sandbox_id IS NULL AND s.owner_id = t.user_id))
           ) AS allowed
    FROM tokens t WHERE t.id = ${claims.tokenId} AND t.user_id = ${claims.userId}`;
  if (!row?.live) throw unauthorized();
  if (!row.allowed) throw denied;
  rememberGrant(claims.tokenId, sandboxId, row.expires_ms);
  return caller;
}
