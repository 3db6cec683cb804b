import { createHash } from "node:crypto";
import type { TenantLimits } from "../config.ts";
import type { Database } from "../db/connection.ts";
import { AccountError } from "./errors.ts";

/** What is being attempted, and by whom: the account's email, and the client's address when known. */
export interface Attempt {
  action: "logIn" | "signUp";
  email: string;
  /** The client's IP address, as the listener saw it; null when the host did not say. */
  address: string | null;
}

/** One budget: `count` attempts per `windowSeconds`, for one key. */
interface Budget {
  key: string;
  count: number;
  windowSeconds: number;
}

/** The budgets an attempt spends: per address, and (for a log-in) per account. */
function budgets(attempt: Attempt, limits: TenantLimits): Budget[] {
  const windowSeconds = limits.attemptWindowSeconds;
  const out: Budget[] = [];
  if (attempt.address !== null)
    out.push({
      key: `${attempt.action}:address:${attempt.address}`,
      count: attempt.action === "logIn" ? limits.logInsPerAddress : limits.signUpsPerAddress,
      windowSeconds,
    });
  // Per account whether or not it exists, so that the answer tells nothing of which do.
  if (attempt.action === "logIn")
    out.push({
      key: `logIn:account:${attempt.email.trim().toLowerCase()}`,
      count: limits.logInsPerAccount,
      windowSeconds,
    });
  return out;
}

/** Rows are named by a digest: fixed size, and no email or address stored as it was typed. */
const digest = (key: string) => createHash("sha256").update(key).digest("base64url");

let sinceSweep = 0;

/**
 * Spends one attempt of each budget the attempt has (GCRA: `count` at once, then one each
 * window/count seconds), or refuses it with TOO_MANY_REQUESTS and the seconds to wait — checked
 * before any password is hashed, so a flood costs a row update per attempt, not 20 ms of CPU.
 * The budgets live in Postgres, shared by every API process, and each spend is one atomic
 * statement, so concurrent attempts cannot all slip through. An address budget that refuses
 * leaves the account's untouched.
 */
export async function spendAttempt(
  database: Database,
  limits: TenantLimits,
  attempt: Attempt,
): Promise<void> {
  for (const budget of budgets(attempt, limits)) {
    const key = digest(budget.key);
    const every = budget.windowSeconds / budget.count;
    const [spent] = await database.sql<{ until: Date }[]>`
      INSERT INTO attempt_limits (key, until) VALUES (${key}, now() + make_interval(secs => ${every}))
      ON CONFLICT (key) DO UPDATE
        SET until = greatest(attempt_limits.until, now()) + make_interval(secs => ${every})
        WHERE greatest(attempt_limits.until, now()) + make_interval(secs => ${every})
          <= now() + make_interval(secs => ${budget.windowSeconds})
      RETURNING until`;
    if (!spent) {
      const [row] = await database.sql<{ wait: number }[]>`
        SELECT extract(epoch FROM until - now()) - ${budget.windowSeconds - every} AS wait
        FROM attempt_limits WHERE key = ${key}`;
      const wait = Math.max(1, Math.ceil(Number(row?.wait ?? 1)));
      // Told only after a second: a flood that does not wait costs an attempt a second per
      // connection, not as many as it can send.
      await new Promise((done) => setTimeout(done, 1000));
      throw new AccountError(
        "TOO_MANY_REQUESTS",
        `too many ${attempt.action === "logIn" ? "log-in" : "sign-up"} attempts: try again in ${wait} seconds`,
        wait,
      );
    }
  }
  // Budgets whose time has passed are whole again, as if absent: now and then, drop them.
  if (++sinceSweep >= 100) {
    sinceSweep = 0;
    await database.sql`DELETE FROM attempt_limits WHERE until < now()`;
  }
}
