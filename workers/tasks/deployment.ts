import type { Database } from "../../db/connection.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { reconcileDeployment } from "../deployment/reconcile.ts";
import { doneIfSandboxGone } from "../done.ts";

/** The job's payload: which deployment of which sandbox to reconcile. */
export interface DeploymentJob {
  sandbox: string;
  namespace: string;
  name: string;
}

/**
 * The deployment controller's task: one reconcile of one deployment in one transaction. A new
 * ReplicaSet the API refused (quota, say) is recorded on the deployment, then the job fails so
 * the queue retries it with back-off.
 */
export async function syncDeployment(
  database: Database,
  job: DeploymentJob,
  now = new Date(),
): Promise<void> {
  let failed: string | null = null;
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      failed = await reconcileDeployment(w, job.namespace, job.name, now);
    }),
  );
  if (failed) throw new Error(failed);
}
