import type { RolloutParams } from "./fenceposts.ts";
import { byCreation, type RsView, totalAvailable, totalReplicas } from "./view.ts";

/** One resize of one ReplicaSet, in the order the controller makes them. */
export interface ScaleStep {
  name: string;
  from: number;
  to: number;
}

/**
 * NewRSNewReplicas: Recreate wants the full size at once; RollingUpdate grows the new
 * ReplicaSet as far as maxSurge allows over the deployment's size, never past that size.
 */
export function newRSNewReplicas(p: RolloutParams, all: RsView[], newRS: RsView): number {
  if (p.strategy === "Recreate") return p.replicas;
  const maxTotal = p.replicas + p.maxSurge;
  const current = totalReplicas(all);
  if (current >= maxTotal) return newRS.replicas;
  return newRS.replicas + Math.min(maxTotal - current, p.replicas - newRS.replicas);
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size (its current size when none is due). */
export function newReplicaSetTarget(p: RolloutParams, all: RsView[], newRS: RsView): number {
  if (newRS.replicas >= p.replicas) return p.replicas;
  return newRSNewReplicas(p, all, newRS);
}

/**
 * reconcileOldReplicaSets: how far the old ReplicaSets may shrink. The budget is every pod
 * above the minimum available, less the new ReplicaSet's unavailable pods; unhealthy old pods
 * go first (oldest ReplicaSet first), then available ones while more than the minimum stay
 * available. `old` are the active old ReplicaSets; `all` includes the new one.
 */
export function oldReplicaSetSteps(
  p: RolloutParams,
  all: RsView[],
  old: RsView[],
  newRS: RsView,
): ScaleStep[] {
  if (totalReplicas(old) === 0) return [];
  const minAvailable = p.replicas - p.maxUnavailable;
  const maxScaledDown = totalReplicas(all) - minAvailable - (newRS.replicas - newRS.available);
  if (maxScaledDown <= 0) return [];
  const steps: ScaleStep[] = [];
  const sets = [...old].sort(byCreation).map((rs) => ({ ...rs }));
  const resize = (rs: RsView, by: number) => {
    steps.push({ name: rs.name, from: rs.replicas, to: rs.replicas - by });
    rs.replicas -= by;
  };
  // cleanupUnhealthyReplicas: pods that are not available cost no availability to remove.
  let cleaned = 0;
  for (const rs of sets) {
    if (cleaned >= maxScaledDown) break;
    if (rs.replicas === 0 || rs.replicas === rs.available) continue;
    const by = Math.min(maxScaledDown - cleaned, rs.replicas - rs.available);
    resize(rs, by);
    cleaned += by;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: available pods above the minimum.
  const available = totalAvailable([...sets, newRS]);
  if (available <= minAvailable) return steps;
  const budget = available - minAvailable;
  let scaled = 0;
  for (const rs of sets) {
    if (scaled >= budget) break;
    if (rs.replicas === 0) continue;
    const by = Math.min(rs.replicas, budget - scaled);
    resize(rs, by);
    scaled += by;
  }
  return steps;
}
