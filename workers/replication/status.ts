import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import { timestamp } from "../../kube/object.ts";
import type { ReplicaSetCondition, ReplicaSetStatus } from "../../kube/types/apps-v1.ts";
import type { Pod, ReplicationControllerStatus } from "../../kube/types/core-v1.ts";
import type { ReplicaController } from "./flavours.ts";
import { isPodAvailable, isPodReady } from "./pods.ts";

/** The status of either kind (apps/v1 ReplicaSetStatus and core/v1 ReplicationControllerStatus have the same fields). */
export type ReplicaStatus = ReplicaSetStatus | ReplicationControllerStatus;

/** The condition a controller sets while it cannot create or delete pods. */
export const replicaFailure = "ReplicaFailure";

/** spec.minReadySeconds, 0 when absent. */
export function minReadySeconds(controller: ReplicaController): number {
  return controller.spec?.minReadySeconds ?? 0;
}

/**
 * calculateStatus: counts over the controller's active pods (all, those carrying every
 * template label, ready, available for minReadySeconds), the ReplicaFailure condition set
 * while managing replicas fails and removed once it succeeds, and the generation observed.
 * Zero counts are left out, as Go's omitempty leaves them.
 */
export function calculateStatus(
  controller: ReplicaController,
  pods: Pod[],
  failure: Error | null,
  now: number,
): ReplicaStatus {
  const wanted = Object.entries(controller.spec?.template?.metadata?.labels ?? {});
  const minReady = minReadySeconds(controller);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (wanted.every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions: ReplicaSetCondition[] = [...(controller.status?.conditions ?? [])];
  const failing = conditions.some((c) => c.type === replicaFailure);
  if (failure && !failing) {
    const diff = pods.length - specReplicas(controller);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    conditions = [
      ...conditions,
      {
        type: replicaFailure,
        status: "True",
        lastTransitionTime: timestamp(new Date(now)),
        reason,
        message: failure.message,
      },
    ];
  } else if (!failure && failing) conditions = conditions.filter((c) => c.type !== replicaFailure);
  const generation = controller.metadata.generation ?? 0;
  return {
    replicas: pods.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(generation ? { observedGeneration: generation } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}
