import type { SandboxWriter } from "../db/store.ts";

/**
 * Lets a controller's transaction commit without waiting for its WAL to reach disk
 * (synchronous_commit off, for this transaction only). The sandbox's write lock is held until
 * commit, so the flush wait would hold up every other writer of the sandbox. Safe for
 * level-triggered controllers: a crash can only lose the last few milliseconds of such
 * commits, and with them the jobs they enqueued — but the job that ran is marked done by a
 * later, synchronous commit, whose flush takes the earlier WAL with it; a lost change is
 * recomputed from the state that remains.
 */
export function commitWithoutFlushWait(w: SandboxWriter): Promise<void> {
  // Sent now and not waited for: it travels with the transaction's next statement. A failure
  // (none is expected) aborts the transaction, which that statement then reports.
  w.tx`SET LOCAL synchronous_commit = off`.catch(() => {});
  return Promise.resolve();
}
