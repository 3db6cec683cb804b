import type { KubeObject } from "../../object.ts";
import { normalizeImage } from "../../runtime/image-ref.ts";
import { record, records, text } from "../../validation/json.ts";

/**
 * Where a pod stands for the control plane, read from the object alone (trigger rules may not
 * query): whether the scheduler or the node's kubelet has something to do with it.
 */

/** Succeeded or Failed: the kubelet is done with it, and it holds no node resources. */
export function isTerminal(pod: KubeObject): boolean {
  const phase = text(record(pod.status).phase);
  return phase === "Succeeded" || phase === "Failed";
}

/** Unbound, not being deleted, for the default scheduler, and not held back by scheduling gates. */
export function wantsScheduling(pod: KubeObject): boolean {
  const spec = record(pod.spec);
  return (
    !text(spec.nodeName) &&
    !pod.metadata.deletionTimestamp &&
    (text(spec.schedulerName) || "default-scheduler") === "default-scheduler" &&
    !records(spec.schedulingGates).length
  );
}

/** A container whose spec now names another image than the one its status reports. */
function imageChanged(pod: KubeObject): boolean {
  const spec = record(pod.spec);
  const status = record(pod.status);
  const reported = new Map(
    [...records(status.initContainerStatuses), ...records(status.containerStatuses)].map((c) => [
      text(c.name),
      normalizeImage(text(c.image)),
    ]),
  );
  return [...records(spec.initContainers), ...records(spec.containers)].some((c) => {
    const seen = reported.get(text(c.name));
    return seen !== undefined && seen !== normalizeImage(text(c.image));
  });
}

/**
 * Whether a write to a bound pod gives its kubelet something new to act on: a pod it has not
 * started (no hostIP yet), a pod being deleted, or a container whose image changed. The
 * kubelet's own later steps come from the delayed jobs it schedules itself.
 */
export function kubeletShouldLook(pod: KubeObject): boolean {
  if (!text(record(pod.spec).nodeName)) return false;
  if (pod.metadata.deletionTimestamp) return true;
  if (isTerminal(pod)) return false;
  return !text(record(pod.status).hostIP) || imageChanged(pod);
}
