import type { Pod } from "../../kube/types/core-v1.ts";
import { preferredWeight } from "./node-affinity.ts";
import type { NodeInfo } from "./node-info.ts";
import { nonZeroRequests } from "./resources.ts";
import { nodeTaints, podTolerates } from "./taints.ts";

/**
 * The default scheduler's Score plugins, reduced to what shapes placement here, with 1.32's
 * weights: NodeResourcesFit LeastAllocated (1) and BalancedAllocation (1) on CPU and memory,
 * PodTopologySpread's default spreading of a controller's pods over nodes (2), TaintToleration's
 * PreferNoSchedule avoidance (3) and preferred NodeAffinity (2). Each plugin scores 0–100.
 */

const maxScore = 100n;

function leastAllocated(requested: bigint, allocatable: bigint): bigint {
  if (allocatable === 0n || requested > allocatable) return 0n;
  return ((allocatable - requested) * maxScore) / allocatable;
}

function fraction(requested: bigint, allocatable: bigint): number {
  return allocatable === 0n ? 1 : Math.min(1, Number(requested) / Number(allocatable));
}

/** LeastAllocated plus BalancedAllocation for one node, with the pod placed on it. */
function resourceScore(pod: Pod, info: NodeInfo): number {
  const want = nonZeroRequests(pod);
  const cpu = info.nonZeroRequested.milliCPU + want.milliCPU;
  const memory = info.nonZeroRequested.memory + want.memory;
  const least =
    (leastAllocated(cpu, info.allocatable.milliCPU) + leastAllocated(memory, info.allocatable.memory)) / 2n;
  const spread =
    Math.abs(fraction(cpu, info.allocatable.milliCPU) - fraction(memory, info.allocatable.memory)) / 2;
  return Number(least) + Math.trunc((1 - spread) * 100);
}

/** The pod's siblings on a node: same namespace and controller, or the same labels when it has none. */
function siblings(pod: Pod, info: NodeInfo): number {
  const owner = (p: Pod) => p.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
  const mine = owner(pod);
  const labels = JSON.stringify(pod.metadata.labels ?? {});
  if (!mine && labels === "{}") return 0;
  return info.pods.filter(
    (p) =>
      p.metadata.namespace === pod.metadata.namespace &&
      (mine ? owner(p) === mine : JSON.stringify(p.metadata.labels ?? {}) === labels),
  ).length;
}

function preferNoScheduleCount(pod: Pod, info: NodeInfo): number {
  return nodeTaints(info.node).filter((t) => t.effect === "PreferNoSchedule" && !podTolerates(pod, t)).length;
}

/** DefaultNormalizeScore: scales to 0–100 by the highest, reversed when fewer is better. */
function normalize(values: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...values);
  if (max === 0) return values.map(() => (reverse ? 100 : 0));
  return values.map((v) => Math.trunc(((reverse ? max - v : v) * 100) / max));
}

/**
 * Picks the node for the pod among those that passed the filters: the highest total score,
 * ties to the first by name (the real scheduler picks among ties at random).
 */
export function selectHost(pod: Pod, feasible: NodeInfo[]): NodeInfo | null {
  const sorted = [...feasible].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const spread = normalize(
    sorted.map((n) => siblings(pod, n)),
    true,
  );
  const taints = normalize(
    sorted.map((n) => preferNoScheduleCount(pod, n)),
    true,
  );
  const affinity = normalize(
    sorted.map((n) => preferredWeight(pod, n.node)),
    false,
  );
  let best: NodeInfo | null = null;
  let bestScore = -1;
  sorted.forEach((info, i) => {
    const score =
      resourceScore(pod, info) +
      2 * (spread[i] as number) +
      3 * (taints[i] as number) +
      2 * (affinity[i] as number);
    if (score > bestScore) {
      best = info;
      bestScore = score;
    }
  });
  return best;
}
