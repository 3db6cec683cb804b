import type { QueuedJob } from "../../db/queue.ts";
import type { Written } from "../../db/store/writer.ts";
import { controllerOf } from "../../kube/meta/owners.ts";
import { deploymentTask } from "./jobs.ts";

function sync(namespace: string, name: string): QueuedJob {
  return deploymentTask.job({ namespace, name });
}

/** A deployment written (spec, labels, annotations, or its own status): its controller looks again. */
export function deploymentWritten(w: Written): QueuedJob[] {
  return w.type === "DELETED" ? [] : [sync(w.namespace, w.name)];
}

/**
 * A ReplicaSet a deployment controls was written or deleted: its status moving (pods ready,
 * available) is what moves a rollout on, and a deleted one may need recreating.
 */
export function deploymentReplicaSetWritten(w: Written): QueuedJob[] {
  const owner = controllerOf(w.object);
  return owner?.kind === "Deployment" && owner.apiVersion === "apps/v1"
    ? [sync(w.namespace, owner.name)]
    : [];
}

/**
 * A deployment's pod gone: a Recreate rollout waits until no old pod is left. The deployment is
 * named by the pod's ReplicaSet, `<deployment>-<pod-template-hash>`, so no lookup is needed.
 */
export function deploymentPodDeleted(w: Written): QueuedJob[] {
  if (w.type !== "DELETED") return [];
  const owner = controllerOf(w.object);
  const hash = w.object.metadata.labels?.["pod-template-hash"];
  if (owner?.kind !== "ReplicaSet" || !hash || !owner.name.endsWith(`-${hash}`)) return [];
  return [sync(w.namespace, owner.name.slice(0, -(hash.length + 1)))];
}

/** The deployment controller's trigger rules. */
export const deploymentTriggers = {
  "deployments.apps": [deploymentWritten],
  "replicasets.apps": [deploymentReplicaSetWritten],
  pods: [deploymentPodDeleted],
};
