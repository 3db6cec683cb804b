import type { Database } from "../db/connection.ts";
import { type SandboxWriter, writeSandbox } from "../db/store.ts";
import { sandboxGone } from "./errors.ts";
import { enqueueTriggered } from "./triggers.ts";

/**
 * The registry's one way to write: a transaction holding the sandbox's write lock, in which
 * `fn` writes through the store; then the controllers its writes call for are enqueued in the
 * same transaction, so a job exists exactly when the write that needs it commits. A missing
 * sandbox is a 404.
 */
export async function inSandbox<T>(
  database: Database,
  sandboxId: string,
  fn: (w: SandboxWriter) => Promise<T>,
  /** Reads to send with the lock, in its round trip (SandboxWriter.open). */
  early?: (w: SandboxWriter) => void,
): Promise<T> {
  const write = () =>
    writeSandbox(
      database.sql,
      sandboxId,
      async (w) => {
        const value = await fn(w);
        enqueueTriggered(w);
        return value;
      },
      early,
    );
  // The controllers' steps of a sandbox take turns here, so a client's write waits behind one.
  const result = await (database.gate ? database.gate.run(sandboxId, write) : write());
  if (!result) throw sandboxGone();
  return result.value;
}
