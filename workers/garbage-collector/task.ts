import type { Database } from "../../db/connection.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import { collectGarbage } from "./collect.ts";
import type { garbageCollectorTask } from "./jobs.ts";

/** The job's payload: the uid of an owner whose dependents need a look. */
export type GarbageCollectorJob = JobOf<typeof garbageCollectorTask>;

/**
 * The garbage collector's task: one transaction per owner uid, re-reading the owner and its
 * dependents (workers/garbage-collector/collect.ts). What it deletes wakes it again for the
 * dependents of those, so deletion cascades (ReplicaSet → pods) one level per job.
 */
export async function reconcileGarbage(database: Database, job: GarbageCollectorJob): Promise<void> {
  await doneIfSandboxGone(inSandbox(database, job.sandbox, (w) => collectGarbage(w, job.uid)));
}
