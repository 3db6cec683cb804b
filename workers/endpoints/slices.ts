import { portsOf } from "../../kube/kinds/service/spec.ts";
import type { Node, Service, ServiceSpec } from "../../kube/types/core-v1.ts";
import type { Endpoint, EndpointPort } from "../../kube/types/discovery-v1.ts";
import { findPort, type PodInfo, shouldBeInEndpoints, shouldSetHostname } from "./pods.ts";

/** discovery.LabelServiceName: how slices name their service (and how `kubectl describe svc` finds them). */
export const serviceNameLabel = "kubernetes.io/service-name";
/** discovery.LabelManagedBy. */
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";
/** The endpointslice controller's name in managed-by. */
export const controllerName = "endpointslice-controller.k8s.io";

/** The topology label a node's zone is read from. */
const zoneLabel = "topology.kubernetes.io/zone";

/** What one slice should hold: its address type, ports and endpoints. */
export interface DesiredSlice {
  addressType: "IPv4" | "IPv6";
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

/** The identity of a slice's contents for matching: address type and the set of ports. */
export function sliceKey(addressType: string, ports: EndpointPort[]): string {
  const keys = ports.map((p) =>
    JSON.stringify([p.name ?? "", p.port ?? null, p.protocol ?? "", p.appProtocol ?? null]),
  );
  return `${addressType}|${keys.sort().join(",")}`;
}

/** getAddressTypesForService: the service's IP families (IPv4 when it names none). */
export function addressTypes(spec: ServiceSpec): ("IPv4" | "IPv6")[] {
  const families = (spec.ipFamilies ?? []).filter((f): f is "IPv4" | "IPv6" => f === "IPv4" || f === "IPv6");
  if (families.length) return families;
  return spec.clusterIP?.includes(":") ? ["IPv6"] : ["IPv4"];
}

/** getEndpointPorts: each service port the pod serves, at the pod's port number. */
function endpointPorts(spec: ServiceSpec, pod: PodInfo): EndpointPort[] {
  return portsOf(spec).flatMap((port) => {
    const num = findPort(pod, port);
    if (num === null) return [];
    return [
      {
        name: port.name ?? "",
        port: num,
        protocol: port.protocol || "TCP",
        ...(port.appProtocol !== undefined ? { appProtocol: port.appProtocol } : {}),
      },
    ];
  });
}

/**
 * podToEndpoint: the pod's addresses of the type, and conditions — serving is readiness,
 * terminating is a deletion timestamp, ready is serving and not terminating (or always, with
 * publishNotReadyAddresses); node, zone, hostname and a reference to the pod.
 */
function podEndpoint(service: Service, pod: PodInfo, type: string, node: Node | undefined): Endpoint {
  const publish = service.spec?.publishNotReadyAddresses === true;
  const zone = node?.metadata.labels?.[zoneLabel];
  return {
    addresses: pod.ips.filter((ip) => ip.includes(":") === (type === "IPv6")),
    conditions: {
      ready: publish || (pod.ready && !pod.terminating),
      serving: pod.ready,
      terminating: pod.terminating,
    },
    ...(shouldSetHostname(pod, service) ? { hostname: pod.hostname } : {}),
    ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
    targetRef: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
    ...(zone ? { zone } : {}),
  };
}

/**
 * The endpointslice reconciler's desired state for a service: per address type, pods (terminating
 * ones included, finished ones and those on unknown nodes not) grouped by the ports they serve;
 * an address type with no endpoints at all still gets one empty placeholder slice.
 */
export function desiredSlices(service: Service, pods: PodInfo[], nodes: Map<string, Node>): DesiredSlice[] {
  const spec = service.spec ?? {};
  const out: DesiredSlice[] = [];
  for (const addressType of addressTypes(spec)) {
    const groups = new Map<string, DesiredSlice>();
    for (const pod of pods) {
      if (!shouldBeInEndpoints(pod, true)) continue;
      const node = nodes.get(pod.nodeName);
      if (pod.nodeName && !node) continue;
      const endpoint = podEndpoint(service, pod, addressType, node);
      if (!endpoint.addresses?.length) continue;
      const ports = endpointPorts(spec, pod);
      const key = sliceKey(addressType, ports);
      const group = groups.get(key) ?? { addressType, ports, endpoints: [] };
      groups.set(key, group);
      group.endpoints.push(endpoint);
    }
    for (const group of groups.values())
      group.endpoints.sort((a, b) => ((a.addresses?.[0] ?? "") < (b.addresses?.[0] ?? "") ? -1 : 1));
    out.push(...(groups.size ? groups.values() : [{ addressType, ports: [], endpoints: [] }]));
  }
  return out;
}
