import type { Pod, Service, ServicePort, ServiceSpec } from "../../kube/types/core-v1.ts";

/** What the endpoint controllers read of a pod, once. */
export interface PodInfo {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  nodeName: string;
  hostname: string;
  subdomain: string;
  ips: string[];
  ready: boolean;
  terminating: boolean;
  terminal: boolean;
  /** Ports by name and protocol: regular containers, then restartable init containers (sidecars). */
  namedPorts: { name: string; protocol: string; port: number }[];
}

/** The pod as the endpoint controllers see it. */
export function podInfo(pod: Pod): PodInfo {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const podIPs = (status.podIPs ?? []).map((p) => p.ip ?? "").filter(Boolean);
  const ips = podIPs.length ? podIPs : status.podIP ? [status.podIP] : [];
  const phase = status.phase ?? "";
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  const namedPorts = [...(spec.containers ?? []), ...sidecars].flatMap((c) =>
    (c.ports ?? []).flatMap((p) =>
      p.name ? [{ name: p.name, protocol: p.protocol || "TCP", port: p.containerPort }] : [],
    ),
  );
  return {
    name: pod.metadata.name ?? "",
    namespace: pod.metadata.namespace ?? "",
    uid: pod.metadata.uid ?? "",
    labels: pod.metadata.labels ?? {},
    nodeName: spec.nodeName ?? "",
    hostname: spec.hostname ?? "",
    subdomain: spec.subdomain ?? "",
    ips,
    ready: (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    terminating: !!pod.metadata.deletionTimestamp,
    terminal: phase === "Succeeded" || phase === "Failed",
    namedPorts,
  };
}

/**
 * ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless terminating
 * pods are wanted (EndpointSlices keep them, marked; Endpoints only with publishNotReadyAddresses).
 */
export function shouldBeInEndpoints(pod: PodInfo, includeTerminating: boolean): boolean {
  if (pod.terminal || pod.ips.length === 0) return false;
  return includeTerminating || !pod.terminating;
}

/** The service's IP family: its first ipFamilies entry, else its cluster IP's. */
export function serviceFamily(spec: ServiceSpec, pod?: PodInfo): "IPv4" | "IPv6" {
  const first = spec.ipFamilies?.[0];
  if (first === "IPv4" || first === "IPv6") return first;
  const ip = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : (pod?.ips[0] ?? "");
  return ip.includes(":") ? "IPv6" : "IPv4";
}

/** The pod's IP of the service's family (podToEndpointAddressForService), or null. */
export function podIPFor(spec: ServiceSpec, pod: PodInfo): string | null {
  const v6 = serviceFamily(spec, pod) === "IPv6";
  return pod.ips.find((ip) => ip.includes(":") === v6) ?? null;
}

/**
 * podutil.FindPort: a numeric targetPort as is; a named one is the container port of that name
 * and the service port's protocol, or null when the pod has none (the pod is then left out).
 */
export function findPort(pod: PodInfo, port: ServicePort): number | null {
  const target = port.targetPort ?? port.port ?? 0;
  if (typeof target === "number") return target;
  const protocol = port.protocol || "TCP";
  return pod.namedPorts.find((p) => p.name === target && p.protocol === protocol)?.port ?? null;
}

/** ShouldSetHostname: the pod names this service as its subdomain and has a hostname. */
export function shouldSetHostname(pod: PodInfo, service: Service): boolean {
  return (
    pod.hostname !== "" &&
    pod.subdomain === service.metadata.name &&
    pod.namespace === service.metadata.namespace
  );
}
