import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { signToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { forgetSandboxRows } from "../db/pods/rows.ts";
import { writeCopy } from "../db/store/clone.ts";
import { pipelinedTransaction } from "../db/store/transaction.ts";
import { SandboxWriter } from "../db/store/writer.ts";
import { dns1123LabelProblems } from "../kube/meta/names.ts";
import { bootstrapSandbox } from "../registry/bootstrap.ts";
import { sandboxScope, userScopeSql } from "./access.ts";
import { accessChannel, forgetGrants, rememberGrant } from "./access-cache.ts";
import { AccountError } from "./errors.ts";
import { isUuid } from "./ids.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import type { TokenScope } from "./permissions.ts";
import { sandboxLimitCheck, sandboxQuotaExceeded } from "./sandbox-limits.ts";
import type { AuthSettings } from "./users.ts";

/** Where kubeconfigs point: the public base URL (…/sandboxes/<id> is added) and the CA to trust. */
export interface ServerIdentity {
  baseUrl: string;
  caPem: string;
}

/** A sandbox as GraphQL shows it to one viewer: its owner, or its student's instructor (read-only). */
export interface SandboxView {
  id: string;
  name: string;
  ownerId: string;
  server: string;
  /** What the viewer may do in it: OWNER, or READ_ONLY for an instructor. */
  access: "OWNER" | "READ_ONLY";
  /** A complete kubeconfig with the viewer's token, signed when asked for (a resolver calls it). */
  kubeconfig: () => Promise<string>;
  createdAt: string;
}

/** A sandbox row joined with the viewer's kubeconfig token (if one is live). */
interface SandboxRow {
  id: string;
  name: string;
  created_at: Date | string;
  owner_id: string;
  token_id: string | null;
  issued_at: Date | string | null;
  expires_at: Date | string | null;
}

/** What the database handle, the signing settings and the server identity are, together. */
export interface AccountDeps {
  database: Database;
  auth: AuthSettings;
  server: ServerIdentity;
}

function checkName(name: string): void {
  const problems = dns1123LabelProblems(name);
  if (problems.length) throw new AccountError("BAD_USER_INPUT", `name: ${problems.join("; ")}`);
}

function notFound(id: string): AccountError {
  return new AccountError("NOT_FOUND", `sandbox "${id}" not found`);
}

/** A token of `userId` for one sandbox, and its insert, sent now in `tx` (or on the pool). */
export function insertSandboxToken(
  tx: postgres.Sql | postgres.TransactionSql,
  settings: AuthSettings,
  userId: string,
  sandboxId: string,
  scope: TokenScope = "owner",
  label: string | null = null,
) {
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + settings.tokenTtlSeconds * 1000);
  const id = randomUUID();
  const inserted = tx`INSERT INTO tokens (id, user_id, sandbox_id, issued_at, expires_at, scope, label)
           VALUES (${id}, ${userId}, ${sandboxId}, ${issuedAt.toISOString()}, ${expiresAt.toISOString()}, ${scope}, ${label})`.execute();
  return { id, issuedAt, expiresAt, inserted };
}

/** The token a kubeconfig carries: re-signed from its stored id and times, never stored itself. */
export function signSandboxToken(
  settings: AuthSettings,
  t: { id: string; userId: string; sandboxId: string; issuedAt: Date; expiresAt: Date },
) {
  return signToken(settings.signingKey, {
    tokenId: t.id,
    userId: t.userId,
    sandboxId: t.sandboxId,
    issuedAt: t.issuedAt,
    expiresAt: t.expiresAt,
  });
}

/**
 * The sandbox as `viewerId` sees it. Its kubeconfig carries the viewer's default token for the
 * sandbox — the owner's, or an instructor's read-only one — made when the viewer has none live
 * (the first look, or after revoking it).
 */
function view(deps: AccountDeps, viewerId: string, row: SandboxRow): SandboxView {
  const url = `${deps.server.baseUrl}/sandboxes/${row.id}`;
  const scope: TokenScope = row.owner_id === viewerId ? "owner" : "read";
  const kubeconfig = async () => {
    let token: { id: string; issuedAt: Date; expiresAt: Date };
    if (row.token_id && row.issued_at && row.expires_at)
      token = { id: row.token_id, issuedAt: new Date(row.issued_at), expiresAt: new Date(row.expires_at) };
    else {
      const made = insertSandboxToken(deps.database.sql, deps.auth, viewerId, row.id, scope);
      await made.inserted;
      token = made;
    }
    const signed = await signSandboxToken(deps.auth, { ...token, userId: viewerId, sandboxId: row.id });
    return kubeconfigYaml({ sandboxName: row.name, server: url, caPem: deps.server.caPem, token: signed });
  };
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    server: url,
    access: scope === "owner" ? "OWNER" : "READ_ONLY",
    kubeconfig,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Whether a write failed on the owner's sandbox names being unique. */
function isSandboxNameTaken(err: unknown): boolean {
  const e = err as { code?: string; constraint_name?: string } | null;
  return e?.code === "23505" && e.constraint_name === "sandboxes_owner_name_key";
}

/** Sandboxes with the viewer's default kubeconfig token (unlabelled; labelled ones are issued by hand). */
const selectSandboxes = (sql: postgres.Sql | postgres.TransactionSql, viewerId: string) => sql`
  SELECT s.id, s.name, s.created_at, s.owner_id, t.id AS token_id, t.issued_at, t.expires_at
  FROM sandboxes s
  LEFT JOIN LATERAL (
    SELECT id, issued_at, expires_at FROM tokens
    WHERE sandbox_id = s.id AND user_id = ${viewerId} AND label IS NULL
      AND revoked_at IS NULL AND expires_at > now()
    ORDER BY expires_at DESC LIMIT 1
  ) t ON true`;

/** What fills a new sandbox: a new cluster's system objects (null), or a copy of another's. */
export type SandboxFill = { copiesOf: string } | null;

/**
 * Makes a sandbox in one transaction: its row, its owner's kubeconfig token, and its objects —
 * a new cluster's (bootstrap), or a copy of another sandbox's, made inside Postgres in one
 * statement (db/store/clone.ts) — plus `also`, statements of the caller's sent in the same
 * transaction (a student's seat). One round trip: every statement is sent without waiting for
 * the one before, the COMMIT last; should one fail (the name is taken), Postgres refuses the
 * rest and rolls back. CONFLICT when the owner already has a sandbox of that name.
 */
export async function insertSandbox(
  deps: AccountDeps,
  userId: string,
  name: string,
  fill: SandboxFill,
  also?: (tx: postgres.TransactionSql, sandboxId: string) => Promise<unknown>[],
): Promise<SandboxView> {
  checkName(name);
  const { database, auth, server } = deps;
  const id = randomUUID();
  const { row, token } = await pipelinedTransaction(database.sql, async (tx, commit) => {
    // A user's sandboxes are made one at a time (their limit is counted under this lock).
    const locked = tx`SELECT 1 FROM users WHERE id = ${userId} FOR NO KEY UPDATE`.execute();
    const inserted = tx<{ created_at: Date }[]>`
      INSERT INTO sandboxes (id, owner_id, name) VALUES (${id}, ${userId}, ${name}) RETURNING created_at`.execute();
    const made = insertSandboxToken(tx, auth, userId, id);
    const statements: Promise<unknown>[] = [
      inserted,
      locked,
      made.inserted,
      sandboxLimitCheck(tx, userId, database.limits.sandboxesPerUser),
    ];
    // The caller's statements (a class's seat, under the class's lock) go last before the commit,
    // after the copy: what they lock is held for the commit only, not for the copy, so a class's
    // students joining at once do not take turns for the whole of each other's fork.
    if (fill) statements.push(writeCopy(tx, fill.copiesOf, id), ...(also?.(tx, id) ?? []));
    else statements.push(...(also?.(tx, id) ?? []));
    // Answered with the rest; meanwhile, a failure is not unhandled.
    for (const statement of statements) statement.catch(() => {});
    let committed: Promise<unknown>;
    if (fill) committed = commit().execute();
    else {
      const w = SandboxWriter.forNew(tx, id, { sealing: database.sealing, url: database.url });
      await bootstrapSandbox(w, server.caPem);
      committed = w.finish(commit);
    }
    const [[created]] = await Promise.all([inserted, committed, ...statements.slice(1)]);
    const row: SandboxRow = {
      id,
      name,
      owner_id: userId,
      created_at: created?.created_at ?? new Date(),
      token_id: made.id,
      issued_at: made.issuedAt,
      expires_at: made.expiresAt,
    };
    return { row, token: made };
  }).catch(async (err: unknown) => {
    if (isSandboxNameTaken(err))
      throw new AccountError("CONFLICT", `a sandbox named "${name}" already exists`);
    if ((err as { code?: string } | null)?.code === "2201F")
      throw await sandboxQuotaExceeded(database, userId, database.limits.sandboxesPerUser);
    throw err;
  });
  // The kubeconfig's first request needs no lookup: this token was made for this sandbox now.
  rememberGrant(token.id, id, token.expiresAt.getTime(), "owner");
  return view(deps, userId, row);
}

/** Creates a sandbox: a new cluster with three Ready nodes and the system namespaces. */
export function createSandbox(deps: AccountDeps, userId: string, name: string): Promise<SandboxView> {
  return insertSandbox(deps, userId, name, null);
}

/** Refuses a caller who may not change the sandbox: NOT_FOUND when they cannot see it at all. */
export async function requireOwner(database: Database, userId: string, id: string): Promise<void> {
  const scope = isUuid(id) ? await sandboxScope(database, userId, id) : null;
  if (!scope) throw notFound(id);
  if (scope !== "owner") throw new AccountError("FORBIDDEN", `sandbox "${id}" is read-only to you`);
}

/** The user's own sandboxes, oldest first. */
export async function listSandboxes(deps: AccountDeps, userId: string): Promise<SandboxView[]> {
  const rows = await deps.database.sql<
    SandboxRow[]
  >`${selectSandboxes(deps.database.sql, userId)} WHERE s.owner_id = ${userId} ORDER BY s.created_at, s.id`;
  return rows.map((r) => view(deps, userId, r));
}

/** Several sandboxes by id, as `viewerId` sees them (the caller has checked they may), in one query. */
export async function sandboxesById(
  deps: AccountDeps,
  viewerId: string,
  ids: string[],
): Promise<SandboxView[]> {
  if (!ids.length) return [];
  const rows = await deps.database.sql<
    SandboxRow[]
  >`${selectSandboxes(deps.database.sql, viewerId)} WHERE s.id = ANY(${ids}::uuid[])`;
  return rows.map((r) => view(deps, viewerId, r));
}

/**
 * A sandbox the user may see: their own, or their student's (read-only); NOT_FOUND for one that
 * is missing or someone else's, alike.
 */
export async function getSandbox(deps: AccountDeps, userId: string, given: string): Promise<SandboxView> {
  // Ids are written lower-case; an upper-case spelling names the same sandbox.
  const id = given.toLowerCase();
  if (!isUuid(id)) throw notFound(id);
  const sql = deps.database.sql;
  // One query: the sandbox, the viewer's token, and whether the viewer may see it at all.
  const [row] = await sql<(SandboxRow & { scope: TokenScope | null })[]>`
    SELECT * FROM (${selectSandboxes(sql, userId)} WHERE s.id = ${id}) v,
      LATERAL (SELECT ${userScopeSql(sql, userId, id)} AS scope) a`;
  if (!row?.scope) throw notFound(id);
  return view(deps, userId, row);
}

/** Deletes one of the user's sandboxes with all its objects, change log, data keys and tokens. */
export async function deleteSandbox(database: Database, userId: string, given: string): Promise<boolean> {
  // Ids are written lower-case: the notice must name the sandbox as grants and watches know it.
  const id = given.toLowerCase();
  if (!isUuid(id)) throw notFound(id);
  return database.sql
    .begin(async (tx) => {
      const gone = await tx`DELETE FROM sandboxes WHERE id = ${id} AND owner_id = ${userId} RETURNING id`;
      if (!gone.length) throw notFound(id);
      await tx`DELETE FROM objects WHERE sandbox_id = ${id}`;
      await tx`DELETE FROM changes WHERE sandbox_id = ${id}`;
      // What its pods wrote: files, log journals, settled runs.
      await forgetSandboxRows(tx, id);
      // Its tokens go with it (a missing token is refused as a revoked one is); every process
      // forgets its grants and ends its streams on the notice.
      await tx`DELETE FROM tokens WHERE sandbox_id = ${id}`;
      await tx`SELECT pg_notify(${accessChannel}, ${`sandbox:${id}`})`;
      return true;
    })
    .then((done) => {
      forgetGrants(`sandbox:${id}`);
      return done as boolean;
    });
}
