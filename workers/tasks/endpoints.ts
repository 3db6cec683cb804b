import type { Database } from "../../db/connection.ts";
import { timestamp } from "../../kube/object.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../done.ts";
import { reconcileNamespace, reconcileService } from "../endpoints/reconcile.ts";

/** The payload of a service's job: which service of which sandbox. */
export interface ServiceEndpointsJob {
  sandbox: string;
  namespace: string;
  name: string;
}

/** The payload of a namespace's job, after pod changes there. */
export interface NamespaceEndpointsJob {
  sandbox: string;
  namespace: string;
}

/** The endpoints and endpointslice controllers for one service, in one transaction. */
export async function syncServiceEndpoints(database: Database, job: ServiceEndpointsJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, (w) => reconcileService(w, job.namespace, job.name, timestamp())),
  );
}

/**
 * Whether the namespace has a service with a selector, read without the sandbox's write lock.
 * A service created after this read wakes its own job, so skipping here loses nothing.
 */
async function anySelectingService(database: Database, job: NamespaceEndpointsJob): Promise<boolean> {
  const [row] = await database.sql<{ any: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM objects
      WHERE sandbox_id = ${job.sandbox} AND resource = 'services' AND namespace = ${job.namespace}
        AND jsonb_typeof(body -> 'spec' -> 'selector') = 'object' AND body -> 'spec' -> 'selector' <> '{}'::jsonb
    ) AS any`;
  return !!row?.any;
}

/** The same for every service with a selector in a namespace whose pods changed. */
export async function syncNamespaceEndpoints(database: Database, job: NamespaceEndpointsJob): Promise<void> {
  // Most pod writes happen where no service selects anything: no lock, no transaction then.
  if (!(await anySelectingService(database, job))) return;
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, (w) => reconcileNamespace(w, job.namespace, timestamp())),
  );
}
