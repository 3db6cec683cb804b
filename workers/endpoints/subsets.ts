import { clusterIPNone, portsOf } from "../../kube/kinds/service/spec.ts";
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Service,
  ServicePort,
  ServiceSpec,
} from "../../kube/types/core-v1.ts";
import { findPort, type PodInfo, podIPFor, shouldBeInEndpoints, shouldSetHostname } from "./pods.ts";

/** The address of a pod in Endpoints: IP, node, and a reference to the pod. */
function addressOf(spec: ServiceSpec, service: Service, pod: PodInfo): EndpointAddress | null {
  const ip = podIPFor(spec, pod);
  if (!ip) return null;
  return {
    ip,
    ...(shouldSetHostname(pod, service) ? { hostname: pod.hostname } : {}),
    ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
    targetRef: { kind: "Pod", namespace: pod.namespace, name: pod.name, uid: pod.uid },
  };
}

/** endpointPortFromServicePort: the service port's name, protocol and appProtocol at the pod's port. */
function endpointPort(port: ServicePort, num: number): EndpointPort {
  return {
    ...(port.name ? { name: port.name } : {}),
    port: num,
    protocol: port.protocol || "TCP",
    ...(port.appProtocol !== undefined ? { appProtocol: port.appProtocol } : {}),
  };
}

/**
 * The endpoints controller's subsets for a service: one subset per pod and service port (ready
 * pods as addresses, others as notReadyAddresses unless publishNotReadyAddresses), pods without
 * the named target port left out, a headless service without ports listing bare addresses;
 * then regrouped by RepackSubsets.
 */
export function serviceSubsets(service: Service, pods: PodInfo[]): EndpointSubset[] {
  const spec = service.spec ?? {};
  const tolerateUnready = spec.publishNotReadyAddresses === true;
  const ports = portsOf(spec);
  const subsets: EndpointSubset[] = [];
  const add = (pod: PodInfo, address: EndpointAddress, port: EndpointPort | null) => {
    const ss: EndpointSubset =
      tolerateUnready || pod.ready ? { addresses: [address] } : { notReadyAddresses: [address] };
    ss.ports = port ? [port] : [];
    subsets.push(ss);
  };
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, tolerateUnready)) continue;
    const address = addressOf(spec, service, pod);
    if (!address) continue;
    if (ports.length === 0) {
      if (spec.clusterIP === clusterIPNone) add(pod, address, null);
      continue;
    }
    for (const port of ports) {
      const num = findPort(pod, port);
      if (num !== null) add(pod, address, endpointPort(port, num));
    }
  }
  return repackSubsets(subsets);
}

/** An address's identity in repacking: its IP and the pod it came from. */
function addressKey(a: EndpointAddress): string {
  return `${a.ip ?? ""}/${a.targetRef?.uid ?? ""}`;
}

/** A port's identity: every field of it. */
function portKey(p: EndpointPort | null): string {
  return p ? JSON.stringify([p.name ?? "", p.port ?? 0, p.protocol ?? "", p.appProtocol ?? null]) : "<none>";
}

/** LessEndpointAddress: by IP bytes, then by pod UID (an address without a pod first). */
function lessAddress(a: EndpointAddress, b: EndpointAddress): number {
  const ia = a.ip ?? "";
  const ib = b.ip ?? "";
  if (ia !== ib) return ia < ib ? -1 : 1;
  const ua = a.targetRef?.uid ?? "";
  const ub = b.targetRef?.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** A deterministic order for ports (the real one sorts by a hash of each port). */
function lessPort(a: EndpointPort, b: EndpointPort): number {
  const ka = portKey(a);
  const kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * RepackSubsets: maps each port to the addresses offering it (ready wins over not ready for the
 * same address and port), then gathers ports offered by exactly the same addresses into one
 * subset; addresses and subsets sorted. The real sort of ports and subsets follows hashes, so
 * the order here is deterministic but not the same.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | null; ready: Map<string, boolean> }>();
  const note = (address: EndpointAddress, port: EndpointPort | null, ready: boolean) => {
    const key = addressKey(address);
    if (!addresses.has(key)) addresses.set(key, { ...address });
    const pk = portKey(port);
    const entry = byPort.get(pk) ?? { port, ready: new Map<string, boolean>() };
    byPort.set(pk, entry);
    if (!entry.ready.get(key)) entry.ready.set(key, ready);
  };
  for (const ss of subsets) {
    const ports = ss.ports?.length ? ss.ports : [null];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) note(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = JSON.stringify([...ready.entries()].sort());
    const group = groups.get(key) ?? { ready, ports: [] };
    groups.set(key, group);
    if (port) group.ports.push(port);
  }
  const out = [...groups.values()].map(({ ready, ports }) => {
    const ss: EndpointSubset = {};
    const take = (want: boolean) =>
      [...ready].flatMap(([k, r]) => (r === want ? (addresses.get(k) ?? []) : []));
    const up = take(true);
    const down = take(false);
    if (up.length) ss.addresses = up.sort(lessAddress);
    if (down.length) ss.notReadyAddresses = down.sort(lessAddress);
    if (ports.length) ss.ports = ports.sort(lessPort);
    return ss;
  });
  return out.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

/** The sort key of a subset: its first addresses, then its ports. */
function subsetKey(ss: EndpointSubset): string {
  const first = (ss.addresses ?? ss.notReadyAddresses ?? [])[0];
  return `${first?.ip ?? ""}|${(ss.ports ?? []).map(portKey).join(",")}`;
}
