import type { Pod, PodCondition } from "../../kube/types/core-v1.ts";

/** The annotation that orders pods for scale-down (lower cost goes first). */
export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

/** The pod's phase ("" when the status has none yet). */
export function podPhase(pod: Pod): string {
  return pod.status?.phase ?? "";
}

/** The node the pod is bound to, "" when unscheduled. */
export function podNode(pod: Pod): string {
  return pod.spec?.nodeName ?? "";
}

/** controller.IsPodActive: not finished and not being deleted; what controllers count. */
export function isPodActive(pod: Pod): boolean {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** When the pod last became ready (ms since the epoch), 0 when not ready or unknown. */
export function podReadySince(pod: Pod): number {
  const condition = readyCondition(pod);
  if (condition?.status !== "True" || !condition.lastTransitionTime) return 0;
  return Date.parse(condition.lastTransitionTime) || 0;
}

/** podutil.IsPodAvailable: ready, and for at least minReadySeconds. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadySince(pod);
  return since > 0 && since + minReadySeconds * 1000 < now;
}

/** The most restarts of any of the pod's containers. */
export function maxContainerRestarts(pod: Pod): number {
  // Decoding does not fill in what Go always writes: a status a client wrote may lack restartCount.
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** The pod-deletion-cost annotation as an int32; 0 when absent or not a number. */
export function podDeletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[podDeletionCostAnnotation];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const cost = Number(raw);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}
