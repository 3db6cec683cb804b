import type { Database } from "../../db/connection.ts";
import { compactChanges } from "./compact-changes.ts";
import { type NamespaceJob, reconcileNamespace } from "./namespace.ts";

/** A controller task: re-reads state by the job's key, reconciles, throws to be retried. */
export type ControllerTask = (database: Database, payload: Record<string, unknown>) => Promise<void>;

/** How long the change log keeps a change (etcd keeps 5 minutes; watches older get 410). */
const changeLogRetentionSeconds = Number(process.env.CHANGE_LOG_RETENTION_SECONDS ?? 900);

/**
 * Every queue task by name, one file each under workers/tasks/. The names are the ones
 * registry/triggers.ts enqueues. Issues that add controllers add their entry here.
 */
export const tasks: Record<string, ControllerTask> = {
  namespace: (database, payload) => reconcileNamespace(database, payload as unknown as NamespaceJob),
  compact_changes: async (database) => {
    await compactChanges(database, changeLogRetentionSeconds);
  },
};
