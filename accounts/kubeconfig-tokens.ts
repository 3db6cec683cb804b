import type { Database } from "../db/connection.ts";
import { accessChannel, forgetGrants, rememberGrant } from "./access-cache.ts";
import { AccountError } from "./errors.ts";
import { isUuid } from "./ids.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import { type AccountDeps, insertSandboxToken, requireOwner, signSandboxToken } from "./sandboxes.ts";

/** A kubeconfig token issued by hand, as its owner lists it (never the token itself). */
export interface KubeconfigToken {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  revoked: boolean;
}

/**
 * Issues a new kubeconfig token for one of the caller's sandboxes, named by `label`, revocable
 * on its own; the kubeconfig that carries it is shown once (it is not stored).
 */
export async function issueKubeconfig(deps: AccountDeps, userId: string, sandboxId: string, label: string) {
  const trimmed = label.trim();
  if (!trimmed || trimmed.length > 100 || trimmed.includes("\u0000"))
    throw new AccountError("BAD_USER_INPUT", "label: must be 1 to 100 characters");
  await requireOwner(deps.database, userId, sandboxId);
  const [sandbox] = await deps.database.sql<
    { name: string }[]
  >`SELECT name FROM sandboxes WHERE id = ${sandboxId}`;
  const made = insertSandboxToken(deps.database.sql, deps.auth, userId, sandboxId, "owner", trimmed);
  await made.inserted;
  rememberGrant(made.id, sandboxId, made.expiresAt.getTime(), "owner");
  const token = await signSandboxToken(deps.auth, { ...made, userId, sandboxId });
  const server = `${deps.server.baseUrl}/sandboxes/${sandboxId}`;
  return {
    token: {
      id: made.id,
      label: trimmed,
      createdAt: made.issuedAt.toISOString(),
      expiresAt: made.expiresAt.toISOString(),
      revoked: false,
    } satisfies KubeconfigToken,
    kubeconfig: kubeconfigYaml({
      sandboxName: sandbox?.name ?? sandboxId,
      server,
      caPem: deps.server.caPem,
      token,
    }),
  };
}

/** The tokens issued by hand for a sandbox of the caller's, live ones first. */
export async function listKubeconfigTokens(database: Database, userId: string, sandboxId: string) {
  const rows = await database.sql<
    { id: string; label: string; issued_at: Date; expires_at: Date; revoked: boolean }[]
  >`
    SELECT id, label, issued_at, expires_at, (revoked_at IS NOT NULL OR expires_at <= now()) AS revoked
    FROM tokens WHERE sandbox_id = ${sandboxId} AND user_id = ${userId} AND label IS NOT NULL
    ORDER BY revoked, issued_at DESC, id`;
  return rows.map(
    (r): KubeconfigToken => ({
      id: r.id,
      label: r.label,
      createdAt: new Date(r.issued_at).toISOString(),
      expiresAt: new Date(r.expires_at).toISOString(),
      revoked: r.revoked,
    }),
  );
}

/**
 * Revokes one of the caller's sandbox tokens (issued by hand, or a kubeconfig's default one): it
 * stops working at once in every process, and its open watches and subscriptions end.
 */
export async function revokeKubeconfig(
  database: Database,
  userId: string,
  tokenId: string,
): Promise<boolean> {
  if (!isUuid(tokenId)) throw new AccountError("NOT_FOUND", `token "${tokenId}" not found`);
  const rows = await database.sql`
    WITH revoked AS (
      UPDATE tokens SET revoked_at = now()
      WHERE id = ${tokenId} AND user_id = ${userId} AND sandbox_id IS NOT NULL AND revoked_at IS NULL
      RETURNING id
    )
    SELECT id, pg_notify(${accessChannel}, 'token:' || id) FROM revoked`;
  forgetGrants(`token:${tokenId}`);
  if (!rows.length) throw new AccountError("NOT_FOUND", `token "${tokenId}" not found`);
  return true;
}
