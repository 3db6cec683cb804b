import type { Database } from "../db/connection.ts";
import { type WriteSandboxOptions, writeSandbox } from "../db/store/transaction.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { sandboxGone } from "./errors.ts";

/**
 * The registry's one way to write: a transaction holding the sandbox's write lock, in which
 * `fn` writes through the store; the controllers its writes call for are enqueued in the same
 * transaction (the database's trigger rules), so a job exists exactly when the write that needs
 * it commits. A missing sandbox is a 404.
 */
export async function inSandbox<T>(
  database: Database,
  sandboxId: string,
  fn: (w: SandboxWriter) => Promise<T>,
  options: WriteSandboxOptions = {},
): Promise<T> {
  const write = () => writeSandbox(database, sandboxId, fn, options);
  // The controllers' steps of a sandbox take turns here, so a client's write waits behind one.
  const result = await (database.gate ? database.gate.run(sandboxId, write) : write());
  if (!result) throw sandboxGone();
  return result.value;
}
