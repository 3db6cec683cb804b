import type postgres from "postgres";
import type { Database } from "../db/connection.ts";
import { AccountError } from "./errors.ts";

/**
 * How many sandboxes a user may own: the service's limit per account (`perUser`), or less where
 * an instructor set a smaller one for a student (the smallest of their classes'). Checked in the
 * transaction that makes one, after its insert, under the lock on the user's row (so two creates
 * cannot both take the last one): the square root of -1 (SQLSTATE 2201F, which nothing else here
 * raises) fails the transaction when the new one is one too many, read as the quota error below.
 * Sent with the rest, no round trip of its own.
 */
export function sandboxLimitCheck(
  tx: postgres.TransactionSql,
  userId: string,
  perUser: number,
): Promise<unknown> {
  return tx`
    SELECT sqrt(CASE WHEN (SELECT count(*) FROM sandboxes WHERE owner_id = ${userId})
      <= least(${perUser}::int, l.limited) THEN 1 ELSE -1 END)
    FROM (SELECT min(max_sandboxes) AS limited FROM classroom_students WHERE user_id = ${userId}) l`.execute();
}

/**
 * The refusal of one sandbox too many, in the words of the API server's quota errors when a
 * class's limit is the one reached, else naming the account's.
 */
export async function sandboxQuotaExceeded(
  database: Database,
  userId: string,
  perUser: number,
): Promise<AccountError> {
  const [row] = await database.sql<{ used: number; limited: number | null }[]>`
    SELECT (SELECT count(*)::int FROM sandboxes WHERE owner_id = ${userId}) AS used,
      (SELECT min(max_sandboxes) FROM classroom_students WHERE user_id = ${userId}) AS limited`;
  const used = row?.used ?? 0;
  if (row?.limited !== null && row?.limited !== undefined && row.limited < perUser)
    return new AccountError(
      "FORBIDDEN",
      `exceeded quota: classroom, requested: sandboxes=1, used: sandboxes=${used}, limited: sandboxes=${row.limited}`,
    );
  return new AccountError(
    "FORBIDDEN",
    `an account may own ${perUser} sandboxes, and this one has ${used}: delete one before creating another`,
  );
}
