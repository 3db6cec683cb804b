import { mapSelectorFilter } from "../../db/filters.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import type { ServiceSpec } from "../../kube/kinds/service/spec.ts";
import type { KubeObject } from "../../kube/object.ts";
import { labelsMatch } from "../../kube/selectors/parse.ts";
import { deleteEndpoints, syncEndpoints } from "./endpoints-object.ts";
import { type PodInfo, podInfo } from "./pods.ts";
import { deleteSlices, syncSlices } from "./slice-sync.ts";
import { desiredSlices } from "./slices.ts";

/** The selector of a service that has one (a selector-less service's endpoints are someone else's). */
export function serviceSelector(service: KubeObject): Record<string, string> | null {
  const spec = (service.spec ?? {}) as ServiceSpec;
  if (spec.type === "ExternalName" || !spec.selector || !Object.keys(spec.selector).length) return null;
  return spec.selector;
}

/** The nodes by name, for slices' zones and for leaving out pods on nodes that do not exist. */
async function nodesByName(w: SandboxWriter): Promise<Map<string, KubeObject>> {
  const nodes = await w.listWhere("nodes", "");
  return new Map(nodes.map((n) => [n.metadata.name ?? "", n]));
}

/** What a reconcile may share across services of one namespace: pods (when all were read) and nodes. */
interface Seen {
  pods?: PodInfo[];
  nodes?: Map<string, KubeObject>;
}

/**
 * One service's Endpoints and EndpointSlices, in the writer's transaction. A service that is
 * gone takes its Endpoints and slices with it; one without a selector (the `kubernetes`
 * service) or of type ExternalName is left alone.
 */
export async function reconcileService(
  w: SandboxWriter,
  namespace: string,
  name: string,
  now: string,
  seen: Seen = {},
): Promise<void> {
  const service = await w.get({ resource: "services", namespace, name });
  if (!service) {
    await deleteEndpoints(w, namespace, name);
    await deleteSlices(w, namespace, name);
    return;
  }
  await syncService(w, service, now, seen);
}

/** Both controllers' work for a live service. */
async function syncService(w: SandboxWriter, service: KubeObject, now: string, seen: Seen): Promise<void> {
  const selector = serviceSelector(service);
  if (!selector) return;
  const namespace = service.metadata.namespace ?? "";
  const filter = mapSelectorFilter(selector);
  const pods = seen.pods
    ? seen.pods.filter((p) => labelsMatch(filter.labels, p.labels))
    : (await w.listWhere("pods", namespace, filter)).map(podInfo);
  seen.nodes ??= await nodesByName(w);
  await syncEndpoints(w, service, pods, now);
  await syncSlices(w, service, desiredSlices(service, pods, seen.nodes), now);
}

/**
 * After pod changes in a namespace: every service there with a selector, so a pod that gained,
 * lost or changed labels, readiness or an IP is reflected wherever it was or is now selected.
 * The namespace's pods and the nodes are read once.
 */
export async function reconcileNamespace(w: SandboxWriter, namespace: string, now: string): Promise<void> {
  const services = (await w.listWhere("services", namespace)).filter((s) => serviceSelector(s));
  if (!services.length) return;
  const seen: Seen = { pods: (await w.listWhere("pods", namespace)).map(podInfo) };
  for (const service of services) await syncService(w, service, now, seen);
}
