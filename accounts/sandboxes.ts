import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { signToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { pipelinedTransaction } from "../db/store/transaction.ts";
import { SandboxWriter } from "../db/store/writer.ts";
import { dns1123LabelProblems } from "../kube/meta/names.ts";
import { bootstrapSandbox } from "../registry/bootstrap.ts";
import { accessChannel, forgetGrants, rememberGrant } from "./access-cache.ts";
import { AccountError } from "./errors.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import type { AuthSettings } from "./users.ts";

/** Where kubeconfigs point: the public base URL (…/sandboxes/<id> is added) and the CA to trust. */
export interface ServerIdentity {
  baseUrl: string;
  caPem: string;
}

/** A sandbox as GraphQL shows it. */
export interface SandboxView {
  id: string;
  name: string;
  server: string;
  kubeconfig: string;
  createdAt: string;
}

interface SandboxRow {
  id: string;
  name: string;
  created_at: Date | string;
  token_id: string | null;
  issued_at: Date | string | null;
  expires_at: Date | string | null;
  owner_id: string;
}

function checkName(name: string): void {
  const problems = dns1123LabelProblems(name);
  if (problems.length) throw new AccountError("BAD_USER_INPUT", `name: ${problems.join("; ")}`);
}

/** The sandbox's kubeconfig token: re-signed from its stored id and times, never stored itself. */
async function view(settings: AuthSettings, server: ServerIdentity, row: SandboxRow): Promise<SandboxView> {
  const url = `${server.baseUrl}/sandboxes/${row.id}`;
  const token =
    row.token_id && row.issued_at && row.expires_at
      ? await signToken(settings.signingKey, {
          tokenId: row.token_id,
          userId: row.owner_id,
          sandboxId: row.id,
          issuedAt: new Date(row.issued_at),
          expiresAt: new Date(row.expires_at),
        })
      : "";
  return {
    id: row.id,
    name: row.name,
    server: url,
    kubeconfig: kubeconfigYaml({ sandboxName: row.name, server: url, caPem: server.caPem, token }),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The sandbox's kubeconfig token, and its insert, sent now in the transaction. */
function insertSandboxToken(
  tx: postgres.TransactionSql,
  settings: AuthSettings,
  userId: string,
  sandboxId: string,
) {
  const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + settings.tokenTtlSeconds * 1000);
  const id = randomUUID();
  const inserted = tx`INSERT INTO tokens (id, user_id, sandbox_id, issued_at, expires_at)
           VALUES (${id}, ${userId}, ${sandboxId}, ${issuedAt.toISOString()}, ${expiresAt.toISOString()})`.execute();
  return { id, issuedAt, expiresAt, inserted };
}

/** Whether a write failed on the owner's sandbox names being unique. */
function isSandboxNameTaken(err: unknown): boolean {
  const e = err as { code?: string; constraint_name?: string } | null;
  return e?.code === "23505" && e.constraint_name === "sandboxes_owner_name_key";
}

const selectSandboxes = (sql: postgres.Sql | postgres.TransactionSql) => sql`
  SELECT s.id, s.name, s.created_at, s.owner_id, t.id AS token_id, t.issued_at, t.expires_at
  FROM sandboxes s
  LEFT JOIN LATERAL (
    SELECT id, issued_at, expires_at FROM tokens
    WHERE sandbox_id = s.id AND revoked_at IS NULL AND expires_at > now()
    ORDER BY expires_at DESC LIMIT 1
  ) t ON true`;

/**
 * Creates a sandbox: its row, its kubeconfig token and its bootstrapped cluster, in one
 * transaction. CONFLICT when the owner already has a sandbox of that name.
 */
export async function createSandbox(
  database: Database,
  settings: AuthSettings,
  server: ServerIdentity,
  userId: string,
  name: string,
): Promise<SandboxView> {
  checkName(name);
  const id = randomUUID();
  // One round trip for the limit, one for the rest: every statement is sent without waiting for
  // the one before, the COMMIT last. Should one fail (the name is taken), Postgres refuses the
  // rest and rolls back.
  const { row, token } = await pipelinedTransaction(database.sql, async (tx, commit) => {
    await withinSandboxLimit(tx, userId, database.limits.sandboxesPerUser);
    const inserted = tx<{ created_at: Date }[]>`
      INSERT INTO sandboxes (id, owner_id, name) VALUES (${id}, ${userId}, ${name}) RETURNING created_at`.execute();
    const made = insertSandboxToken(tx, settings, userId, id);
    // Answered with the rest; meanwhile, a failure is not unhandled.
    for (const statement of [inserted, made.inserted]) statement.catch(() => {});
    // The bootstrap leaves everything as the controllers would: no trigger rules, no jobs.
    const w = SandboxWriter.forNew(tx, id, { sealing: database.sealing });
    await bootstrapSandbox(w, server.caPem);
    const [[created]] = await Promise.all([inserted, made.inserted, w.finish(commit)]);
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
  }).catch((err: unknown) => {
    if (isSandboxNameTaken(err))
      throw new AccountError("CONFLICT", `a sandbox named "${name}" already exists`);
    throw err;
  });
  // The kubeconfig's first request needs no lookup: this token was made for this sandbox now.
  rememberGrant(token.id, id, token.expiresAt.getTime());
  return view(settings, server, row);
}

/**
 * Refuses a new sandbox to a user who has as many as one may own. The user's lock (for this
 * transaction) makes two creates at once count each other.
 */
async function withinSandboxLimit(tx: postgres.TransactionSql, userId: string, limit: number): Promise<void> {
  const [row] = await tx<{ owned: number }[]>`
    SELECT pg_advisory_xact_lock(hashtextextended(${`sandboxes:${userId}`}, 0)),
           (SELECT count(*)::int FROM sandboxes WHERE owner_id = ${userId}) AS owned`;
  if ((row?.owned ?? 0) >= limit)
    throw new AccountError(
      "FORBIDDEN",
      `an account may own ${limit} sandboxes, and this one has ${row?.owned}: delete one before creating another`,
    );
}

/** The user's sandboxes, oldest first. */
export async function listSandboxes(
  database: Database,
  settings: AuthSettings,
  server: ServerIdentity,
  userId: string,
) {
  const rows = await database.sql<
    SandboxRow[]
  >`${selectSandboxes(database.sql)} WHERE s.owner_id = ${userId} ORDER BY s.created_at, s.id`;
  return Promise.all(rows.map((r) => view(settings, server, r)));
}

/** One of the user's sandboxes; NOT_FOUND for a sandbox that is missing or someone else's. */
export async function getSandbox(
  database: Database,
  settings: AuthSettings,
  server: ServerIdentity,
  userId: string,
  given: string,
): Promise<SandboxView> {
  const id = given.toLowerCase();
  const rows = isUuid(id)
    ? await database.sql<
        SandboxRow[]
      >`${selectSandboxes(database.sql)} WHERE s.id = ${id} AND s.owner_id = ${userId}`
    : [];
  const row = rows[0];
  if (!row) throw new AccountError("NOT_FOUND", `sandbox "${id}" not found`);
  return view(settings, server, row);
}

/** Deletes a sandbox with all its objects, change log and tokens. */
export async function deleteSandbox(database: Database, userId: string, given: string): Promise<boolean> {
  // Ids are written lower-case: the notice must name the sandbox as grants and watches know it.
  const id = given.toLowerCase();
  if (!isUuid(id)) throw new AccountError("NOT_FOUND", `sandbox "${id}" not found`);
  return database.sql
    .begin(async (tx) => {
      const gone = await tx`DELETE FROM sandboxes WHERE id = ${id} AND owner_id = ${userId} RETURNING id`;
      if (!gone.length) throw new AccountError("NOT_FOUND", `sandbox "${id}" not found`);
      await tx`DELETE FROM objects WHERE sandbox_id = ${id}`;
      await tx`DELETE FROM changes WHERE sandbox_id = ${id}`;
      await tx`UPDATE tokens SET revoked_at = now() WHERE sandbox_id = ${id} AND revoked_at IS NULL`;
      await tx`SELECT pg_notify(${accessChannel}, ${`sandbox:${id}`})`;
      return true;
    })
    .then((done) => {
      forgetGrants(`sandbox:${id}`);
      return done as boolean;
    });
}

/** Whether a string is a UUID (sandbox ids are), so a bad id is a 404 and never a SQL error. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
