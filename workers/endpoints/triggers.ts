import type { QueuedJob } from "../../db/queue.ts";
import type { Written } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { serviceKind } from "../../kube/kinds/service/index.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { selectsPods } from "../queue/guards.ts";
import { namespaceEndpointsTask, serviceEndpointsTask } from "./jobs.ts";

function service(namespace: string, name: string): QueuedJob {
  return serviceEndpointsTask.job({ namespace, name });
}

/** A service with a selector written, or any service deleted (its Endpoints go with it). */
export function serviceWritten(w: Written): QueuedJob[] {
  const selector = viewAs(serviceKind, w.object).spec?.selector;
  const selects = Object.keys(selector ?? {}).length > 0;
  return w.type === "DELETED" || selects ? [service(w.namespace, w.name)] : [];
}

/** What a pod contributes to endpoints: its address, readiness, labels, ports and liveness. */
function endpointView(pod: Pod): string {
  const status = pod.status ?? {};
  const ready = status.conditions?.find((c) => c.type === "Ready");
  const spec = pod.spec ?? {};
  return JSON.stringify([
    status.podIP ?? null,
    status.podIPs ?? null,
    status.phase ?? null,
    ready?.status ?? null,
    pod.metadata.labels ?? null,
    pod.metadata.deletionTimestamp ?? null,
    spec.nodeName ?? null,
    (spec.containers ?? []).map((c) => c.ports ?? null),
  ]);
}

function hasIP(pod: Pod): boolean {
  const status = pod.status ?? {};
  return !!status.podIP || (status.podIPs?.length ?? 0) > 0;
}

/**
 * A pod with an IP written or deleted: the services of its namespace look again, when something
 * endpoints show changed (address, readiness, labels, ports, termination). A pod without an IP
 * is in no endpoints (yet), so its writes wake nobody; nor does a write that changed none of it.
 */
export function endpointsPodWritten(w: Written): QueuedJob[] {
  const pod = viewAs(podKind, w.object);
  const previous = viewAs(podKind, w.previous);
  const relevant = previous
    ? (hasIP(pod) || hasIP(previous)) && endpointView(previous) !== endpointView(pod)
    : hasIP(pod);
  if (!relevant) return [];
  return [
    namespaceEndpointsTask.job(
      { namespace: w.namespace },
      // Most pods live where no service selects anything: then nobody needs waking.
      { onlyIf: { resources: ["services"], namespace: w.namespace, condition: selectsPods } },
    ),
  ];
}

/** Endpoints deleted by someone: the service's controller puts them back if it still selects pods. */
export function endpointsDeleted(w: Written): QueuedJob[] {
  return w.type === "DELETED" ? [service(w.namespace, w.name)] : [];
}

/** A managed EndpointSlice deleted by someone: its service's controller makes it again. */
export function endpointSliceDeleted(w: Written): QueuedJob[] {
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

/** The endpoints and endpointslice controllers' trigger rules. */
export const endpointsTriggers = {
  services: [serviceWritten],
  pods: [endpointsPodWritten],
  endpoints: [endpointsDeleted],
  "endpointslices.discovery.k8s.io": [endpointSliceDeleted],
};
