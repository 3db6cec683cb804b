import type { Written } from "../../db/store.ts";
import { controllerOf } from "../../kube/meta/owners.ts";
import { record } from "../../kube/validation/json.ts";
import type { Job } from "../triggers.ts";

/** The task that reconciles each replica-keeping kind, by its storage resource and by its owner-reference kind. */
export const replicationTasks = {
  replicationcontrollers: "replicationcontroller",
  "replicasets.apps": "replicaset",
} as const;

/** The task that looks for a controller to adopt a namespace's orphan pods. */
export const adoptionTask = "replication_adopt";

const taskByOwner: Record<string, string> = {
  "v1/ReplicationController": replicationTasks.replicationcontrollers,
  "apps/v1/ReplicaSet": replicationTasks["replicasets.apps"],
};

/**
 * A ReplicationController or ReplicaSet written: its controller reconciles it, unless its status
 * has already observed this generation (the controller's own status write, or a change of
 * labels or annotations, which asks nothing of it). A deleted one leaves its pods to the
 * garbage collector.
 */
export function controllerWritten(task: string): (w: Written) => Job[] {
  return (w) => {
    if (w.type === "DELETED") return [];
    if (record(w.object.status).observedGeneration === w.object.metadata.generation) return [];
    return [{ task, key: `${w.namespace}/${w.name}`, payload: { namespace: w.namespace, name: w.name } }];
  };
}

/**
 * A pod written: the controller that owns it counts again (a deleted or changed pod may need a
 * replacement, a status change moves readyReplicas); a live pod that nobody controls may be
 * adopted by a controller of its namespace whose selector matches it — looked for when the pod
 * appears or its labels or owners change, not on every status write of the kubelet.
 */
export function podWritten(w: Written): Job[] {
  const owner = controllerOf(w.object);
  if (owner) {
    const task = taskByOwner[`${owner.apiVersion}/${owner.kind}`];
    return task
      ? [{ task, key: `${w.namespace}/${owner.name}`, payload: { namespace: w.namespace, name: owner.name } }]
      : [];
  }
  const phase = record(w.object.status).phase;
  if (
    w.type === "DELETED" ||
    w.object.metadata.deletionTimestamp ||
    phase === "Succeeded" ||
    phase === "Failed"
  )
    return [];
  if (w.previous && !labelsOrOwnersChanged(w.previous, w.object)) return [];
  return [
    {
      task: adoptionTask,
      key: w.namespace,
      payload: { namespace: w.namespace },
      // Only a controller of the pod's namespace could adopt it.
      onlyIfSelecting: { resources: Object.keys(replicationTasks), namespace: w.namespace },
    },
  ];
}

/** Whether a write changed what adoption depends on: the labels or the owner references. */
function labelsOrOwnersChanged(before: Written["object"], after: Written["object"]): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return (
    !same(before.metadata.labels, after.metadata.labels) ||
    !same(before.metadata.ownerReferences, after.metadata.ownerReferences)
  );
}
