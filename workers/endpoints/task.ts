import type { Database } from "../../db/connection.ts";
import { timestamp } from "../../kube/object.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import type { namespaceEndpointsTask, serviceEndpointsTask } from "./jobs.ts";
import { reconcileNamespace, reconcileService } from "./reconcile.ts";

/** The payload of a service's job: which service of which sandbox. */
export type ServiceEndpointsJob = JobOf<typeof serviceEndpointsTask>;

/** The payload of a namespace's job, after pod changes there. */
export type NamespaceEndpointsJob = JobOf<typeof namespaceEndpointsTask>;

/** The endpoints and endpointslice controllers for one service, in one transaction. */
export async function syncServiceEndpoints(database: Database, job: ServiceEndpointsJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, (w) => reconcileService(w, job.namespace, job.name, timestamp())),
  );
}

/** The same for every service with a selector in a namespace whose pods changed. */
export async function syncNamespaceEndpoints(database: Database, job: NamespaceEndpointsJob): Promise<void> {
  // Enqueued only where a service selects pods (its trigger's guard), so no check here.
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, (w) => reconcileNamespace(w, job.namespace, timestamp())),
  );
}
