import type { Written } from "../../db/store/writer.ts";
import { storageResource, viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { controllerOf } from "../../kube/meta/owners.ts";
import type { Trigger } from "../queue/controller.ts";
import { selectsPods } from "../queue/guards.ts";
import { flavourOfOwner, flavours, type ReplicaFlavour } from "./flavours.ts";
import { adoptionTask } from "./jobs.ts";

/**
 * A ReplicationController or ReplicaSet written: its controller reconciles it, unless its status
 * has already observed this generation (the controller's own status write, or a change of
 * labels or annotations, which asks nothing of it). A deleted one leaves its pods to the
 * garbage collector.
 */
export function controllerWritten(flavour: ReplicaFlavour): Trigger {
  return (w) => {
    if (w.type === "DELETED") return [];
    const controller = viewAs(flavour.kind, w.object);
    if (controller.status?.observedGeneration === controller.metadata.generation) return [];
    return [flavour.task.job({ namespace: w.namespace, name: w.name })];
  };
}

/**
 * A pod written: the controller that owns it counts again (a deleted or changed pod may need a
 * replacement, a status change moves readyReplicas); a live pod that nobody controls may be
 * adopted by a controller of its namespace whose selector matches it — looked for when the pod
 * appears or its labels or owners change, not on every status write of the kubelet.
 */
export const podWritten: Trigger = (w) => {
  const owner = controllerOf(w.object);
  if (owner) {
    const flavour = flavourOfOwner(owner);
    return flavour ? [flavour.task.job({ namespace: w.namespace, name: owner.name })] : [];
  }
  const phase = viewAs(podKind, w.object).status?.phase;
  if (
    w.type === "DELETED" ||
    w.object.metadata.deletionTimestamp ||
    phase === "Succeeded" ||
    phase === "Failed"
  )
    return [];
  if (w.previous && !labelsOrOwnersChanged(w.previous, w.object)) return [];
  return [
    adoptionTask.job(
      { namespace: w.namespace },
      // Only a controller of the pod's namespace could adopt it.
      {
        onlyIf: {
          resources: flavours.map((f) => storageResource(f.kind)),
          namespace: w.namespace,
          condition: selectsPods,
        },
      },
    ),
  ];
};

/** Whether a write changed what adoption depends on: the labels or the owner references. */
function labelsOrOwnersChanged(before: Written["object"], after: Written["object"]): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return (
    !same(before.metadata.labels, after.metadata.labels) ||
    !same(before.metadata.ownerReferences, after.metadata.ownerReferences)
  );
}

/** The replication and replica-set controllers' trigger rules (the deployment controller adds its own on ReplicaSets). */
export const replicationTriggers: Record<string, Trigger[]> = {
  ...Object.fromEntries(flavours.map((f) => [storageResource(f.kind), [controllerWritten(f)]])),
  pods: [podWritten],
};
