import type { Database } from "../db/connection.ts";
import type { TokenScope } from "./permissions.ts";

/**
 * Recently authorized (token, sandbox) pairs, so that a burst of kubectl calls does not look its
 * token up each time — the API server caches token reviews the same way. An entry lives at most
 * `ttlMs` and never past the token's expiry; revoking a token or deleting a sandbox NOTIFYs every
 * process (`accessChannel`), which forgets the entries at once, and the process that revokes
 * forgets them before it answers. Only grants are cached: a refusal is always looked up again.
 */
export const accessChannel = "kubesandbox_access";

const ttlMs = 10_000;
/** Entries kept at most; past it the oldest go (a Map iterates in insertion order). */
const maxEntries = 10_000;

interface Grant {
  tokenId: string;
  sandboxId: string;
  scope: TokenScope;
  until: number;
}

const grants = new Map<string, Grant>();
const listening = new WeakMap<Database, Promise<void>>();

const keyOf = (tokenId: string, sandboxId: string) => `${tokenId}/${sandboxId}`;

/** The scope this token was allowed into this sandbox with moments ago, or null. */
export function cachedGrant(tokenId: string, sandboxId: string): TokenScope | null {
  const grant = grants.get(keyOf(tokenId, sandboxId));
  if (!grant) return null;
  if (grant.until > Date.now()) return grant.scope;
  grants.delete(keyOf(tokenId, sandboxId));
  return null;
}

/** Remembers a grant, for at most `ttlMs` and never past `expiresAt` (ms). */
export function rememberGrant(
  tokenId: string,
  sandboxId: string,
  expiresAt: number,
  scope: TokenScope = "owner",
): void {
  if (grants.size >= maxEntries) grants.delete(grants.keys().next().value as string);
  grants.set(keyOf(tokenId, sandboxId), {
    tokenId,
    sandboxId,
    scope,
    until: Math.min(Date.now() + ttlMs, expiresAt),
  });
}

/** Listeners of revocation notices in this process (open watches and subscriptions). */
const revocationListeners = new Set<(notice: string) => void>();

/**
 * Calls `fn` with every revocation notice ("token:<id>", "sandbox:<id>"), from this process and
 * every other; returns the function that stops it. A stream ends when its token or sandbox is named.
 */
export function onRevocation(fn: (notice: string) => void): () => void {
  revocationListeners.add(fn);
  return () => revocationListeners.delete(fn);
}

/**
 * Forgets what a revocation notice names — "token:<id>" (revoked), "sandbox:<id>" (deleted), or
 * "grants:<sandbox>" (who may enter changed: look again) — and tells the listeners.
 */
export function forgetGrants(notice: string): void {
  for (const fn of revocationListeners) fn(notice);
  const [what, id] = [notice.slice(0, notice.indexOf(":")), notice.slice(notice.indexOf(":") + 1)];
  for (const [key, grant] of grants)
    if (
      (what === "token" && grant.tokenId === id) ||
      ((what === "sandbox" || what === "grants") && grant.sandboxId === id)
    )
      grants.delete(key);
}

/**
 * Starts (once per database) listening for revocations from every process. Until the LISTEN is
 * in place, and whenever it reconnects (notices may have been missed), nothing cached is trusted.
 */
export function listenForRevocations(database: Database): Promise<void> {
  let started = listening.get(database);
  if (!started) {
    started = database.sql.listen(accessChannel, forgetGrants, () => grants.clear()).then(() => undefined);
    listening.set(database, started);
  }
  return started;
}
