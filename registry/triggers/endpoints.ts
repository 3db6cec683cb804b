import type { Written } from "../../db/store.ts";
import { isPlainObject } from "../../kube/object.ts";
import { record } from "../../kube/validation/json.ts";
import type { Job } from "../triggers.ts";

/** The task that keeps one service's Endpoints and EndpointSlices; key `<namespace>/<name>`. */
export const endpointsTask = "endpoints";
/** The task that redoes every selecting service of a namespace after its pods changed; key the namespace. */
export const namespaceEndpointsTask = "endpoints_namespace";

function service(namespace: string, name: string): Job {
  return { task: endpointsTask, key: `${namespace}/${name}`, payload: { namespace, name } };
}

/** A service with a selector written, or any service deleted (its Endpoints go with it). */
export function serviceWritten(w: Written): Job[] {
  const selector = record(w.object.spec).selector;
  const selects = isPlainObject(selector) && Object.keys(selector).length > 0;
  return w.type === "DELETED" || selects ? [service(w.namespace, w.name)] : [];
}

/** What a pod contributes to endpoints: its address, readiness, labels, ports and liveness. */
function endpointView(pod: Written["object"]): string {
  const status = record(pod.status);
  const ready = Array.isArray(status.conditions)
    ? status.conditions.find((c) => record(c).type === "Ready")
    : undefined;
  const spec = record(pod.spec);
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  return JSON.stringify([
    status.podIP ?? null,
    status.podIPs ?? null,
    status.phase ?? null,
    record(ready).status ?? null,
    pod.metadata.labels ?? null,
    pod.metadata.deletionTimestamp ?? null,
    spec.nodeName ?? null,
    containers.map((c) => record(c).ports ?? null),
  ]);
}

function hasIP(pod: Written["object"]): boolean {
  const status = record(pod.status);
  return !!status.podIP || (Array.isArray(status.podIPs) && status.podIPs.length > 0);
}

/**
 * A pod with an IP written or deleted: the services of its namespace look again, when something
 * endpoints show changed (address, readiness, labels, ports, termination). A pod without an IP
 * is in no endpoints (yet), so its writes wake nobody; nor does a write that changed none of it.
 */
export function endpointsPodWritten(w: Written): Job[] {
  const relevant = w.previous
    ? (hasIP(w.object) || hasIP(w.previous)) && endpointView(w.previous) !== endpointView(w.object)
    : hasIP(w.object);
  if (!relevant) return [];
  return [
    {
      task: namespaceEndpointsTask,
      key: w.namespace,
      payload: { namespace: w.namespace },
      // Most pods live where no service selects anything: then nobody needs waking.
      onlyIfSelecting: { resources: ["services"], namespace: w.namespace },
    },
  ];
}

/** Endpoints deleted by someone: the service's controller puts them back if it still selects pods. */
export function endpointsDeleted(w: Written): Job[] {
  return w.type === "DELETED" ? [service(w.namespace, w.name)] : [];
}

/** A managed EndpointSlice deleted by someone: its service's controller makes it again. */
export function endpointSliceDeleted(w: Written): Job[] {
  const labels = w.object.metadata.labels ?? {};
  const name = labels["kubernetes.io/service-name"];
  if (
    w.type !== "DELETED" ||
    !name ||
    labels["endpointslice.kubernetes.io/managed-by"] !== "endpointslice-controller.k8s.io"
  )
    return [];
  return [service(w.namespace, name)];
}
