import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import type { KubeObject } from "../../kube/object.ts";
import { timestamp } from "../../kube/object.ts";
import { isRecord, type Json, record, records } from "../../kube/validation/json.ts";
import { isPodAvailable, isPodReady } from "./pods.ts";

/** The condition a controller sets while it cannot create or delete pods. */
export const replicaFailure = "ReplicaFailure";

/** spec.minReadySeconds, 0 when absent. */
export function minReadySeconds(controller: KubeObject): number {
  const v = record(controller.spec).minReadySeconds;
  return typeof v === "number" ? v : 0;
}

/**
 * calculateStatus: counts over the controller's active pods (all, those carrying every
 * template label, ready, available for minReadySeconds), the ReplicaFailure condition set
 * while managing replicas fails and removed once it succeeds, and the generation observed.
 * Zero counts are left out, as Go's omitempty leaves them.
 */
export function calculateStatus(
  controller: KubeObject,
  pods: KubeObject[],
  failure: Error | null,
  now: number,
): Json {
  const templateLabels = record(record(record(controller.spec).template).metadata).labels;
  const wanted = Object.entries(isRecord(templateLabels) ? templateLabels : {});
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
  const old = record(controller.status);
  let conditions = records(old.conditions);
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
