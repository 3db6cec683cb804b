import type { Database } from "../db/connection.ts";
import { copyRows } from "../db/pods/rows.ts";
import { copyDataKeys, freshCopies, storedObjects } from "../db/store/clone.ts";
import { writeSandbox } from "../db/store/transaction.ts";
import { resetObjects } from "../registry/copy.ts";
import { AccountError } from "./errors.ts";
import { type AccountDeps, getSandbox, insertSandbox, requireOwner, type SandboxView } from "./sandboxes.ts";

function notFound(id: string): AccountError {
  return new AccountError("NOT_FOUND", `sandbox "${id}" not found`);
}

/**
 * Forks one of the caller's sandboxes: a new sandbox of theirs holding a copy of every object as
 * a snapshot restore gives it (its uids kept), copied inside Postgres in one statement
 * (db/store/clone.ts writeCopy). Like a new sandbox it calls for no controller jobs: the copy is
 * as the source's controllers left it (a source caught mid-transition — a pod waiting on a
 * delayed kubelet step — is copied as it is, and its copy waits until something writes to it).
 */
export async function forkSandbox(deps: AccountDeps, userId: string, sourceId: string, name: string) {
  await requireOwner(deps.database, userId, sourceId);
  return insertSandbox(deps, userId, name, { copiesOf: sourceId });
}

/**
 * Resets a sandbox to `templateId`'s objects (copied afresh), or to a new cluster's when null:
 * in one transaction under the sandbox's lock, every object is deleted and the new ones created,
 * so watchers see it happen. The old pods' files and logs go with them (db/pods/rows.ts); the
 * template's pods' come with their copies. The caller checks who may.
 */
export async function resetSandboxTo(
  deps: AccountDeps,
  id: string,
  templateId: string | null,
): Promise<void> {
  const fresh = templateId ? await freshCopies(deps.database.sql, templateId) : null;
  const done = await writeSandbox(deps.database, id, async (w) => {
    const current = await storedObjects(w.sql, id);
    if (templateId) await copyDataKeys(w.sql, templateId, id);
    await resetObjects(w, current, fresh?.copies ?? null, deps.server.caPem);
    // After the deletes, which take the old rows (hostPath trees of same-named nodes among them).
    if (templateId && fresh) await copyRows(w.sql, templateId, id, fresh.renamed);
  });
  if (!done) throw notFound(id);
}

/** The template a sandbox was made from: its class's template, for a student's sandbox; else none. */
async function templateOf(database: Database, id: string): Promise<string | null> {
  const [row] = await database.sql<{ template: string | null }[]>`
    SELECT c.template_sandbox_id AS template FROM classroom_students cs
    JOIN classrooms c ON c.id = cs.classroom_id WHERE cs.sandbox_id = ${id} LIMIT 1`;
  return row?.template ?? null;
}

/** Resets one of the caller's sandboxes back to its template (a student's: the class's), or empty. */
export async function resetSandbox(deps: AccountDeps, userId: string, id: string): Promise<SandboxView> {
  await requireOwner(deps.database, userId, id);
  await resetSandboxTo(deps, id, await templateOf(deps.database, id));
  return getSandbox(deps, userId, id);
}
