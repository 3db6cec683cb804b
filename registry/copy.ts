import type { StoredCopy } from "../db/store/clone.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { clone } from "../kube/object.ts";
import { bootstrapSandbox } from "./bootstrap.ts";

/**
 * Writes copied objects (db/store/clone.ts) into the writer's sandbox, as creates: each gets its
 * resourceVersion, its ADDED change-log row and the jobs its kind's trigger rules call for, so
 * the controllers take over the copy as they would any new object. Held, they travel with the
 * commit in one statement.
 */
export async function writeCopies(w: SandboxWriter, copies: StoredCopy[]): Promise<void> {
  for (const { key, object } of copies) await w.create(key, clone(object));
}

/**
 * Resets a sandbox: every object it holds is deleted (watchers see DELETED), then the template's
 * copies, or a new cluster's system objects when there is no template, are created (ADDED). The
 * sandbox's revision keeps growing, so open watches stay valid; one transaction, under its lock.
 */
export async function resetObjects(
  w: SandboxWriter,
  current: StoredCopy[],
  copies: StoredCopy[] | null,
  caPem: string,
): Promise<void> {
  for (const { key, object } of current) await w.delete(key, object);
  if (copies) await writeCopies(w, copies);
  else await bootstrapSandbox(w, caPem);
}
