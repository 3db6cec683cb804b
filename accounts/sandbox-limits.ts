import type postgres from "postgres";
import type { Database } from "../db/connection.ts";
import { AccountError } from "./errors.ts";

/**
 * The limit an instructor set on how many sandboxes a student may own (the smallest of their
 * classes'), checked in the transaction that makes one, under the lock on the user's row (so two
 * creates cannot both take the last one): the square root of -1 (SQLSTATE 2201F, which nothing else
 * here raises) fails the transaction when none is left, read as the quota error below. Sent
 * with the rest, no round trip of its own.
 */
export function sandboxLimitCheck(tx: postgres.TransactionSql, userId: string): Promise<unknown> {
  return tx`
    SELECT sqrt(CASE WHEN l.limited IS NULL OR
      (SELECT count(*) FROM sandboxes WHERE owner_id = ${userId}) <= l.limited THEN 1 ELSE -1 END)
    FROM (SELECT min(max_sandboxes) AS limited FROM classroom_students WHERE user_id = ${userId}) l`.execute();
}

/** The refusal of a sandbox past a student's limit, in the words of the API server's quota errors. */
export async function sandboxQuotaExceeded(database: Database, userId: string): Promise<AccountError> {
  const [row] = await database.sql<{ used: number; limited: number | null }[]>`
    SELECT (SELECT count(*)::int FROM sandboxes WHERE owner_id = ${userId}) AS used,
      (SELECT min(max_sandboxes) FROM classroom_students WHERE user_id = ${userId}) AS limited`;
  return new AccountError(
    "FORBIDDEN",
    `exceeded quota: classroom, requested: sandboxes=1, used: sandboxes=${row?.used ?? 0}, limited: sandboxes=${row?.limited ?? 0}`,
  );
}
