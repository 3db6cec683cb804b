import type { Database } from "../../db/connection.ts";
import { listObjects } from "../../db/store.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { kubeletJob } from "../../registry/triggers/scheduling.ts";
import { doneIfSandboxGone } from "../done.ts";
import { waitsForReferences } from "./kubelet.ts";

/** The payload: which namespace had a Secret or ConfigMap written. */
export interface WaitingPodsJob {
  sandbox: string;
  namespace: string;
}

/** Wakes the kubelet of every pod of the namespace waiting for a Secret or ConfigMap, now. */
export async function wakeWaitingPods(database: Database, job: WaitingPodsJob): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const pods = (await listObjects(w.tx, w.sandboxId, "pods", job.namespace))?.items ?? [];
      for (const pod of pods.filter(waitsForReferences))
        w.enqueue(kubeletJob(job.namespace, pod.metadata.name ?? ""));
    }),
  );
}
