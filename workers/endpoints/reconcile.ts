import { mapSelectorFilter } from "../../db/filters.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { nodeKind } from "../../kube/kinds/node/index.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { serviceKind } from "../../kube/kinds/service/index.ts";
import type { KubeObject } from "../../kube/object.ts";
import { labelsMatch } from "../../kube/selectors/parse.ts";
import type { Node, Service } from "../../kube/types/core-v1.ts";
import { deleteEndpoints, syncEndpoints } from "./endpoints-object.ts";
import { type PodInfo, podInfo } from "./pods.ts";
import { deleteSlices, syncSlices } from "./slice-sync.ts";
import { desiredSlices } from "./slices.ts";

/** The selector of a service that has one (a selector-less service's endpoints are someone else's). */
export function serviceSelector(service: Service): Record<string, string> | null {
  const spec = service.spec ?? {};
  if (spec.type === "ExternalName" || !spec.selector || !Object.keys(spec.selector).length) return null;
  return spec.selector;
}

/** The nodes by name, for slices' zones and for leaving out pods on nodes that do not exist. */
async function nodesByName(w: SandboxWriter): Promise<Map<string, Node>> {
  const nodes = await w.listWhere("nodes", "");
  return new Map(nodes.map((n) => [n.metadata.name ?? "", viewAs(nodeKind, n)]));
}

/** The pods as the endpoint controllers see them. */
function podInfos(pods: KubeObject[]): PodInfo[] {
  return pods.map((p) => podInfo(viewAs(podKind, p)));
}

/** What a reconcile may share across services of one namespace: pods (when all were read) and nodes. */
interface Seen {
  pods?: PodInfo[];
  nodes?: Map<string, Node>;
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
  const service = viewAs(serviceKind, await w.get({ resource: "services", namespace, name }));
  if (!service) {
    await deleteEndpoints(w, namespace, name);
    await deleteSlices(w, namespace, name);
    return;
  }
  await syncService(w, service, now, seen);
}

/** Both controllers' work for a live service. */
async function syncService(w: SandboxWriter, service: Service, now: string, seen: Seen): Promise<void> {
  const selector = serviceSelector(service);
  if (!selector) return;
  const namespace = service.metadata.namespace ?? "";
  const filter = mapSelectorFilter(selector);
  const pods = seen.pods
    ? seen.pods.filter((p) => labelsMatch(filter.labels, p.labels))
    : podInfos(await w.listWhere("pods", namespace, filter));
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
  const services = (await w.listWhere("services", namespace))
    .map((s) => viewAs(serviceKind, s))
    .filter((s) => serviceSelector(s));
  if (!services.length) return;
  const seen: Seen = { pods: podInfos(await w.listWhere("pods", namespace)) };
  for (const service of services) await syncService(w, service, now, seen);
}
