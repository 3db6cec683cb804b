import type { Database } from "../../db/connection.ts";
import type { GuardCondition } from "../../db/queue.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import { allStatuses, waitingReason } from "./container-status.ts";
import { kubeletJob } from "./jobs.ts";
import { messages } from "./messages.ts";

/** Whether the kubelet has set the pod's sandbox up (it has its IP): else it takes it on (again). */
export function hasSandbox(pod: Pod): boolean {
  return !!pod.status?.hostIP && pod.status.podIP !== undefined;
}

/** Whether a container of the pod could not be given its config (a missing Secret or ConfigMap key). */
export function inConfigError(pod: Pod): boolean {
  return allStatuses(pod).some((s) => waitingReason(s) === messages.configError);
}

/**
 * A pod its kubelet took on but could not start for want of a Secret or ConfigMap: its volumes
 * not set up (no sandbox, no IP), or a container's config refused. `podsWaiting` asks the same
 * in SQL (test/integration/kubelet-references.test.ts holds them to each other).
 */
export function waitsForReferences(pod: Pod): boolean {
  if (pod.status?.phase !== "Pending" || !pod.status.hostIP) return false;
  return !hasSandbox(pod) || inConfigError(pod);
}

/**
 * `waitsForReferences` as the guard of the wake-up job, so a Secret or ConfigMap written where no
 * pod waits costs no job. Its first three terms are the predicate of objects_waiting_pods_idx
 * (only the pods taken on but not yet running), which serves it.
 */
export const podsWaiting: GuardCondition = {
  name: "pods-waiting-for-references",
  sql: `o.resource = 'pods' AND o.body -> 'status' ->> 'phase' = 'Pending' AND o.body -> 'status' ? 'hostIP'
    AND (NOT o.body -> 'status' ? 'podIP'
      OR o.body -> 'status' -> 'containerStatuses' @> '[{"state": {"waiting": {"reason": "${messages.configError}"}}}]'
      OR o.body -> 'status' -> 'initContainerStatuses' @> '[{"state": {"waiting": {"reason": "${messages.configError}"}}}]')`,
};

/** Wakes the kubelet of every pod of the namespace waiting for a Secret or ConfigMap, now. */
export async function wakeWaitingPods(
  database: Database,
  job: { sandbox: string; namespace: string },
): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const pods = (await w.listWhere("pods", job.namespace)).map((p) => viewAs(podKind, p));
      for (const pod of pods.filter(waitsForReferences))
        w.enqueue(kubeletJob(job.namespace, pod.metadata.name ?? ""));
    }),
  );
}
