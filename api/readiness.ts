import type { Database } from "../db/connection.ts";

/** How long a readiness answer is reused: probes from several places cost one query a second. */
const reuseMs = 1000;
/** How long the database has to answer before it counts as down. */
const timeoutMs = 2000;

/**
 * /readyz: the service is started, and its database answers a query within two seconds. The
 * answer is reused for a second, and one query at most is in flight.
 */
export function readiness(database: Database, started: () => boolean): () => Promise<boolean> {
  let last = { at: 0, ok: false };
  let pending: Promise<boolean> | null = null;
  const probe = async (): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((done) => {
      timer = setTimeout(() => done(false), timeoutMs);
    });
    const ok = await Promise.race([
      database.sql`SELECT 1`.then(
        () => true,
        () => false,
      ),
      late,
    ]);
    clearTimeout(timer);
    last = { at: Date.now(), ok };
    return ok;
  };
  return async () => {
    if (!started()) return false;
    if (Date.now() - last.at < reuseMs) return last.ok;
    // With a connection per request (workerd), each asks on its own: none may wait on another's query.
    if (!database.listens) return probe();
    pending ??= probe().finally(() => {
      pending = null;
    });
    return pending;
  };
}
