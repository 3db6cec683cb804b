import { normalizeImage } from "../../runtime/image-ref.ts";
import type { Pod } from "../../types/core-v1.ts";

/**
 * Where a pod stands for the control plane, read from the object alone (trigger rules may not
 * query): whether the scheduler or the node's kubelet has something to do with it.
 */

/** Succeeded or Failed: the kubelet is done with it, and it holds no node resources. */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** Unbound, not being deleted, for the default scheduler, and not held back by scheduling gates. */
export function wantsScheduling(pod: Pod): boolean {
  const spec = pod.spec;
  return (
    !spec?.nodeName &&
    !pod.metadata.deletionTimestamp &&
    (spec?.schedulerName || "default-scheduler") === "default-scheduler" &&
    !spec?.schedulingGates?.length
  );
}

/** A container whose spec now names another image than the one its status reports. */
function imageChanged(pod: Pod): boolean {
  const status = pod.status;
  const reported = new Map(
    [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])].map((c) => [
      c.name,
      normalizeImage(c.image ?? ""),
    ]),
  );
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some((c) => {
    const seen = reported.get(c.name);
    return seen !== undefined && seen !== normalizeImage(c.image ?? "");
  });
}

/**
 * Whether a write to a bound pod gives its kubelet something new to act on: a pod it has not
 * started (no hostIP yet), a pod being deleted, or a container whose image changed. The
 * kubelet's own later steps come from the delayed jobs it schedules itself.
 */
export function kubeletShouldLook(pod: Pod): boolean {
  if (!pod.spec?.nodeName) return false;
  if (pod.metadata.deletionTimestamp) return true;
  if (isTerminal(pod)) return false;
  return !pod.status?.hostIP || imageChanged(pod);
}
