import type { Database } from "../../db/connection.ts";
import type { KubeObject } from "../../kube/object.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import type { namespaceTask } from "./jobs.ts";

/** The job's payload: which namespace of which sandbox to look at. */
export type NamespaceJob = JobOf<typeof namespaceTask>;

/**
 * The namespace controller. Level-triggered: it re-reads the namespace and acts only if it is
 * Terminating; then it deletes everything in it and removes it, in one transaction. A namespace
 * that is gone or not terminating means there is nothing to do.
 */
export async function reconcileNamespace(database: Database, job: NamespaceJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const key = { resource: "namespaces", namespace: "", name: job.name };
      const ns = await w.get(key);
      if (!ns?.metadata.deletionTimestamp) return;
      const contents = await w.sql<
        { resource: string; name: string; body: KubeObject; resource_version: string }[]
      >`
      SELECT resource, name, body, resource_version FROM objects
      WHERE sandbox_id = ${w.sandboxId} AND namespace = ${job.name}
      ORDER BY resource, name`;
      for (const row of contents) {
        const obj = {
          ...row.body,
          metadata: { ...row.body.metadata, resourceVersion: row.resource_version },
        };
        await w.delete({ resource: row.resource, namespace: job.name, name: row.name }, obj);
      }
      await w.delete(key, ns);
    }),
  );
}
