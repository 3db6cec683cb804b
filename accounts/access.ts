import type postgres from "postgres";
import { type ServiceAccountClaim, sandboxAudience, userAudience, verifyToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import type { Queryable } from "../db/sql.ts";
import { forbidden, unauthorized } from "../kube/errors.ts";
import { cachedGrant, listenForRevocations, rememberGrant } from "./access-cache.ts";
import { isUuid } from "./ids.ts";
import type { TokenScope } from "./permissions.ts";

/**
 * Which kind of token a caller holds: a user's login token, a sandbox's kubeconfig token, or
 * the token a TokenRequest made for one of the sandbox's service accounts.
 */
export type TokenKind = "login" | "sandbox" | "serviceaccount";

/** Who is acting on a sandbox, with which kind of token, and what it may do there (accounts/permissions.ts). */
export interface SandboxCaller {
  userId: string;
  tokenId: string;
  kind: TokenKind;
  scope: TokenScope;
  /** For a service account's token: which one. */
  serviceAccount?: ServiceAccountClaim;
}

/**
 * The scope a user's login reaches a sandbox with, as one SQL expression (null: none): "owner"
 * for its owner, "read" for the instructor of a class the sandbox is a student's in. The
 * Kubernetes API (a login token) and GraphQL ask the same question, here.
 */
export function userScopeSql(
  sql: Queryable,
  userId: string,
  sandboxId: string | null,
): postgres.PendingQuery<postgres.Row[]> {
  return sql`(
    SELECT CASE WHEN s.owner_id = ${userId} THEN 'owner'
      WHEN EXISTS (
        SELECT 1 FROM classroom_students cs JOIN classrooms c ON c.id = cs.classroom_id
        WHERE cs.sandbox_id = s.id AND c.instructor_id = ${userId}
      ) THEN 'read' END
    FROM sandboxes s WHERE s.id = ${sandboxId}
  )`;
}

/** The scope a signed-in user has in a sandbox (owner, or read as its student's instructor), or null. */
export async function sandboxScope(
  database: Database,
  userId: string,
  sandboxId: string,
): Promise<TokenScope | null> {
  if (!isUuid(sandboxId)) return null;
  const [row] = await database.sql<{ scope: TokenScope | null }[]>`
    SELECT ${userScopeSql(database.sql, userId, sandboxId)} AS scope`;
  return row?.scope ?? null;
}

/**
 * Authorizes a bearer token for one sandbox: a sandbox token for that sandbox (with the scope it
 * was issued with), or a login token of someone the sandbox lets in (its owner; its student's
 * instructor, read-only). A missing, forged, expired or revoked token is 401; a valid token for
 * another sandbox is 403 with the same answer whether or not that sandbox exists, so nothing
 * leaks. A service account's token is good while its service account (that uid) exists, as the
 * API server checks for its bound tokens.
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
  const account = claims.serviceAccount;
  const kind: TokenKind = account ? "serviceaccount" : claims.sandboxId ? "sandbox" : "login";
  const caller = (scope: TokenScope): SandboxCaller => ({
    userId: claims.userId,
    tokenId: claims.tokenId,
    kind,
    scope,
    ...(account ? { serviceAccount: account } : {}),
  });
  await listenForRevocations(database);
  const cached = options.fresh || !database.listens ? null : cachedGrant(claims.tokenId, sandboxId);
  if (cached) return caller(cached);
  const denied = forbidden(`this token is not allowed to use sandbox "${sandboxId}"`);
  const id = isUuid(sandboxId) ? sandboxId : null;
  const [row] = await database.sql<
    { live: boolean; scope: TokenScope | null; account_exists: boolean; expires_ms: number }[]
  >`
    SELECT (t.revoked_at IS NULL AND t.expires_at > now()) AS live,
           (extract(epoch FROM t.expires_at) * 1000)::float8 AS expires_ms,
           CASE WHEN ${id}::uuid IS NULL THEN NULL
                WHEN t.sandbox_id IS NULL THEN ${userScopeSql(database.sql, claims.userId, id)}
                WHEN t.sandbox_id = ${id}::uuid THEN t.scope END AS scope,
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
  if (!row.scope) throw denied;
  rememberGrant(claims.tokenId, sandboxId, row.expires_ms, row.scope);
  return caller(row.scope);
}
