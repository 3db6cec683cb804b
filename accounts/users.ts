import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { checkPassword, hashPassword } from "../auth/passwords.ts";
import { signToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { tokens, users } from "../db/schema.ts";
import { accessChannel, forgetGrants } from "./access-cache.ts";
import { spendAttempt } from "./attempt-limits.ts";
import { AccountError } from "./errors.ts";

/** A signed-in user and the token that proves it. */
export interface AuthPayload {
  token: string;
  user: { id: string; email: string };
}

/** What accounts need besides the database: the token signing key and token lifetime. */
export interface AuthSettings {
  signingKey: Uint8Array;
  tokenTtlSeconds: number;
}

const Credentials = z.object({
  email: z.string().trim().toLowerCase().email("email: must be a valid email address").max(254),
  password: z
    .string()
    .min(8, "password: must be at least 8 characters")
    .max(1024, "password: must be at most 1024 characters"),
});

function parseCredentials(email: string, password: string) {
  const parsed = Credentials.safeParse({ email, password });
  if (!parsed.success)
    throw new AccountError("BAD_USER_INPUT", parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

/** Issues a login token (stored by id so it can be revoked). */
async function issueLoginToken(database: Database, settings: AuthSettings, userId: string): Promise<string> {
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + settings.tokenTtlSeconds * 1000);
  const tokenId = randomUUID();
  await database.db.insert(tokens).values({ id: tokenId, userId, sandboxId: null, issuedAt, expiresAt });
  return signToken(settings.signingKey, { tokenId, userId, sandboxId: null, issuedAt, expiresAt });
}

/**
 * Creates an account and signs it in. An email that already has one is not refused as taken,
 * which would tell anyone which addresses have accounts: signing up with it is logging in to it
 * (its password: that account, signed in; another: logIn's "invalid email or password", from the
 * account's log-in budget as a log-in is). Without mail there is no "check your inbox" answer to
 * give both alike (a new address gets its token at once, as the contract says); what is left to
 * tell the two apart is no more than logIn's answer, at logIn's price. Either way one password
 * hash is computed (hashed for a new account, verified for an existing one), so both take the
 * same time.
 */
export async function signUp(
  database: Database,
  settings: AuthSettings,
  email: string,
  password: string,
  /** The client's address, for the attempt limits (accounts/attempt-limits.ts). */
  address: string | null = null,
): Promise<AuthPayload> {
  await spendAttempt(database, database.limits, { action: "signUp", email, address });
  const creds = parseCredentials(email, password);
  const [existing] = await database.db.select().from(users).where(eq(users.email, creds.email)).limit(1);
  if (existing) return signInAgain(database, settings, existing, creds.password, address);
  const id = randomUUID();
  const passwordHash = await hashPassword(creds.password);
  const inserted = await database.db
    .insert(users)
    .values({ id, email: creds.email, passwordHash })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (!inserted.length) {
    // Taken since the read (two sign-ups at once): the account that won, as above.
    const [winner] = await database.db.select().from(users).where(eq(users.email, creds.email)).limit(1);
    if (!winner) throw new AccountError("UNAUTHENTICATED", invalidCredentials);
    return signInAgain(database, settings, winner, creds.password, address);
  }
  return { token: await issueLoginToken(database, settings, id), user: { id, email: creds.email } };
}

/** A sign-up with an existing account's email: a log-in to it, from its log-in budget. */
async function signInAgain(
  database: Database,
  settings: AuthSettings,
  user: { id: string; email: string; passwordHash: string },
  password: string,
  address: string | null,
): Promise<AuthPayload> {
  await spendAttempt(database, database.limits, { action: "logIn", email: user.email, address });
  if (!(await checkPassword(user.passwordHash, password)))
    throw new AccountError("UNAUTHENTICATED", invalidCredentials);
  return {
    token: await issueLoginToken(database, settings, user.id),
    user: { id: user.id, email: user.email },
  };
}

/** The one refusal of a log-in, whether the email has no account or the password is wrong. */
const invalidCredentials = "invalid email or password";

/** Checks a password; one answer for an unknown email and a wrong password alike. */
export async function logIn(
  database: Database,
  settings: AuthSettings,
  email: string,
  password: string,
  /** The client's address, for the attempt limits (accounts/attempt-limits.ts). */
  address: string | null = null,
): Promise<AuthPayload> {
  // The same checks as sign-up: an address that cannot be an account's (a NUL, 20 MB) or a
  // password past the cap is refused before the database or the hash sees it.
  const creds = parseCredentials(email, password);
  await spendAttempt(database, database.limits, { action: "logIn", email: creds.email, address });
  const [user] = await database.db.select().from(users).where(eq(users.email, creds.email)).limit(1);
  const ok = await checkPassword(user?.passwordHash ?? null, creds.password);
  if (!user || !ok) throw new AccountError("UNAUTHENTICATED", invalidCredentials);
  return {
    token: await issueLoginToken(database, settings, user.id),
    user: { id: user.id, email: user.email },
  };
}

/** The user a login token names, if it is still valid (not revoked, not expired). */
export async function userForToken(database: Database, tokenId: string, userId: string) {
  const rows = await database.sql<{ id: string; email: string }[]>`
    SELECT u.id, u.email FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE t.id = ${tokenId} AND t.user_id = ${userId} AND t.sandbox_id IS NULL
      AND t.revoked_at IS NULL AND t.expires_at > now()`;
  return rows[0] ?? null;
}

/** Revokes one of the user's tokens by id; true when it was live. */
export async function revokeToken(database: Database, userId: string, tokenId: string): Promise<boolean> {
  const rows = await database.sql`
    WITH revoked AS (
      UPDATE tokens SET revoked_at = now()
      WHERE id = ${tokenId} AND user_id = ${userId} AND revoked_at IS NULL RETURNING id
    )
    SELECT id, pg_notify(${accessChannel}, 'token:' || id) FROM revoked`;
  forgetGrants(`token:${tokenId}`);
  return rows.length > 0;
}
