import type { KubeObject } from "../../kube/object.ts";
import { record, records } from "../../kube/validation/json.ts";

/** The annotation that orders pods for scale-down (lower cost goes first). */
export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

/** The pod's phase ("" when the status has none yet). */
export function podPhase(pod: KubeObject): string {
  const phase = record(pod.status).phase;
  return typeof phase === "string" ? phase : "";
}

/** The node the pod is bound to, "" when unscheduled. */
export function podNode(pod: KubeObject): string {
  const node = record(pod.spec).nodeName;
  return typeof node === "string" ? node : "";
}

/** controller.IsPodActive: not finished and not being deleted; what controllers count. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: KubeObject) {
  return records(record(pod.status).conditions).find((c) => c.type === "Ready");
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === "True";
}

/** When the pod last became ready (ms since the epoch), 0 when not ready or unknown. */
export function podReadySince(pod: KubeObject): number {
  const condition = readyCondition(pod);
  if (condition?.status !== "True" || typeof condition.lastTransitionTime !== "string") return 0;
  return Date.parse(condition.lastTransitionTime) || 0;
}

/** podutil.IsPodAvailable: ready, and for at least minReadySeconds. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadySince(pod);
  return since > 0 && since + minReadySeconds * 1000 < now;
}

/** The most restarts of any of the pod's containers. */
export function maxContainerRestarts(pod: KubeObject): number {
  return Math.max(
    0,
    ...records(record(pod.status).containerStatuses).map((c) =>
      typeof c.restartCount === "number" ? c.restartCount : 0,
    ),
  );
}

/** The pod-deletion-cost annotation as an int32; 0 when absent or not a number. */
export function podDeletionCost(pod: KubeObject): number {
  const raw = pod.metadata.annotations?.[podDeletionCostAnnotation];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const cost = Number(raw);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}
