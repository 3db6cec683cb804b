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

/**
 * The scope this token was allowed into this sandbox with moments ago, or null. Not asked for a
 * handle that hears no revocation notices (accounts/access.ts): another process's revocation must
 * hold at once.
 */
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

/**
 * What a revocation notice names: a token (revoked), a sandbox (deleted: every token for it), or
 * the grants of a sandbox (who may enter it changed, e.g. a student left a class: look again).
 */
export interface Revocation {
  what: "token" | "sandbox" | "grants";
  id: string;
}

/**
 * Open streams (watches, subscriptions) hear revocations here, to end themselves: `revoked` for
 * each notice from any process, `lost` when notices may have been missed (the LISTEN
 * reconnected), when a stream must check its access again.
 */
export interface RevocationListener {
  revoked(notice: Revocation): void;
  lost(): void;
}

const streams = new Set<RevocationListener>();

/**
 * How often an open stream checks its access again where no notice can reach it (a database
 * handle that does not listen: workerd, Lambda). A revoked token's watch ends within this: a
 * second, as the notice ends it within one where it is heard.
 */
export const revocationPollMs = 1_000;

/**
 * Registers an open stream's listener; returns the function that removes it. On a handle that
 * hears NOTIFYs the listener hears each notice; on one that cannot, it is told `lost` every
 * `revocationPollMs`, from a timer of its own request, and checks its access again.
 */
export function onRevocation(database: Database, listener: RevocationListener): () => void {
  if (!database.listens) {
    const timer = setInterval(() => listener.lost(), revocationPollMs);
    return () => clearInterval(timer);
  }
  streams.add(listener);
  return () => streams.delete(listener);
}

function parseNotice(notice: string): Revocation | null {
  const sep = notice.indexOf(":");
  const what = notice.slice(0, sep);
  return what === "token" || what === "sandbox" || what === "grants"
    ? { what, id: notice.slice(sep + 1) }
    : null;
}

/**
 * Forgets what a revocation notice names — "token:<id>", "sandbox:<id>" or "grants:<sandbox>" —
 * and tells the open streams of this process.
 */
export function forgetGrants(notice: string): void {
  const revocation = parseNotice(notice);
  if (!revocation) return;
  const { what, id } = revocation;
  for (const [key, grant] of grants)
    if (
      (what === "token" && grant.tokenId === id) ||
      ((what === "sandbox" || what === "grants") && grant.sandboxId === id)
    )
      grants.delete(key);
  for (const stream of streams) stream.revoked(revocation);
}

/** Trusts nothing cached, and has every open stream check its access again. */
function forgetAll(): void {
  grants.clear();
  for (const stream of streams) stream.lost();
}

/**
 * Starts (once per database) listening for revocations from every process. Until the LISTEN is
 * in place, and whenever it reconnects (notices may have been missed), nothing cached is trusted.
 */
export function listenForRevocations(database: Database): Promise<void> {
  if (!database.listens) return Promise.resolve();
  let started = listening.get(database);
  if (!started) {
    started = database.sql.listen(accessChannel, forgetGrants, forgetAll).then(() => undefined);
    listening.set(database, started);
  }
  return started;
}
