import type { Pod } from "../../kube/types/core-v1.ts";
import {
  isPodActive,
  isPodReady,
  maxContainerRestarts,
  podDeletionCost,
  podNode,
  podPhase,
  podReadySince,
} from "./pods.ts";

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** A pod with its rank: how many active related pods share its node. */
export interface RankedPod {
  pod: Pod;
  rank: number;
}

/**
 * logarithmicRankDiff: compares two times by the binary logarithm of their age, so pods of
 * about the same age count as equal and the order between them is left to chance (the uid).
 */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  // Go measures the durations in nanoseconds.
  const rank = (t: number) => (now - t > 0 ? Math.floor(Math.log2((now - t) * 1e6)) : -1);
  return rank(t1) - rank(t2);
}

/** Compares two times, later first, a missing (0) time before any. */
function laterFirst(a: Pod, b: Pod, t1: number, t2: number, now: number): number {
  if (t1 === t2) return 0;
  if (!t1 || !t2) return t1 ? 1 : -1;
  const diff = logarithmicRankDiff(t1, t2, now);
  if (diff === 0) return (a.metadata.uid ?? "") < (b.metadata.uid ?? "") ? -1 : 1;
  return diff < 0 ? -1 : 1;
}

/**
 * ActivePodsWithRanks.Less, as a comparator: the pod to delete first sorts first. Unscheduled
 * before scheduled; Pending before Unknown before Running; not ready before ready; lower
 * deletion cost first; more colocated siblings first; ready more recently first; more restarts
 * first; created more recently first (both times compared on a logarithmic scale, as 1.32 does).
 */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [podNode(pa), podNode(pb)];
  if (na !== nb && (!na || !nb)) return na ? 1 : -1;
  const [oa, ob] = [phaseOrdinal[podPhase(pa)] ?? 0, phaseOrdinal[podPhase(pb)] ?? 0];
  if (oa !== ob) return oa - ob;
  const [ra, rb] = [isPodReady(pa), isPodReady(pb)];
  if (ra !== rb) return ra ? 1 : -1;
  const [ca, cb] = [podDeletionCost(pa), podDeletionCost(pb)];
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const byReady = laterFirst(pa, pb, podReadySince(pa), podReadySince(pb), now);
    if (byReady) return byReady;
  }
  const [xa, xb] = [maxContainerRestarts(pa), maxContainerRestarts(pb)];
  if (xa !== xb) return xb - xa;
  const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? "") || 0;
  return laterFirst(pa, pb, created(pa), created(pb), now);
}

/**
 * getPodsToDelete: the `diff` pods a scale-down removes, chosen by compareForDeletion with each
 * pod ranked by the active `related` pods (the controller's, or its deployment's) on its node.
 */
export function podsToDelete(pods: Pod[], diff: number, related: Pod[], now: number): Pod[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const pod of related)
    if (isPodActive(pod)) onNode.set(podNode(pod), (onNode.get(podNode(pod)) ?? 0) + 1);
  return pods
    .map((pod) => ({ pod, rank: onNode.get(podNode(pod)) ?? 0 }))
    .sort((a, b) => compareForDeletion(a, b, now))
    .slice(0, diff)
    .map((r) => r.pod);
}
