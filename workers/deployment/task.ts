import type { Database } from "../../db/connection.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import type { deploymentTask } from "./jobs.ts";
import { reconcileDeployment } from "./reconcile.ts";

/** The job's payload: which deployment of which sandbox to reconcile. */
export type DeploymentJob = JobOf<typeof deploymentTask>;

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
