import { controllerOf } from "../../kube/meta/owners.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import type { ReplicaController } from "./flavours.ts";

/** What a controller does with the pods of its namespace (PodControllerRefManager.ClaimPods). */
export interface Claim {
  /** Pods it controls and its selector still selects. */
  owned: Pod[];
  /** Orphans its selector selects, which it takes (adds its controller reference). */
  adopt: Pod[];
  /** Pods it controls that its selector no longer selects, which it lets go. */
  release: Pod[];
}

/**
 * ClaimObject for each active pod: another controller's pods are left alone; our pods stay
 * ours while the selector selects them and are released when it does not (unless we are being
 * deleted); orphans the selector selects are adopted, unless we are being deleted, the pod is,
 * or it lives in another namespace.
 */
export function claimPods(
  controller: ReplicaController,
  pods: Pod[],
  selects: (labels: Record<string, string>) => boolean,
): Claim {
  const claim: Claim = { owned: [], adopt: [], release: [] };
  const deleting = !!controller.metadata.deletionTimestamp;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.uid !== controller.metadata.uid) continue;
      if (selects(labels)) claim.owned.push(pod);
      else if (!deleting) claim.release.push(pod);
      continue;
    }
    if (deleting || !selects(labels) || pod.metadata.deletionTimestamp) continue;
    if (pod.metadata.namespace !== controller.metadata.namespace) continue;
    claim.adopt.push(pod);
  }
  return claim;
}
