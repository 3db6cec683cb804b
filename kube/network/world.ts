import type { KubeObject } from "../object.ts";
import type { Container, Endpoints, Node, Pod, Service } from "../types/core-v1.ts";

/**
 * The sandbox's network as a pod sees it, built from the objects of one read: what kube-proxy,
 * CoreDNS and the node's routes know (pods' IPs and containers, services, their endpoints,
 * nodes' addresses). Pure data, rebuilt per request: nothing of it lives between requests.
 */
export interface NetworkWorld {
  pods: PodView[];
  services: ServiceView[];
  /** Ready and not-ready endpoints by "namespace/service". */
  endpoints: Map<string, EndpointView[]>;
  nodes: NodeView[];
  /** The pods' objects by "namespace/name": what a server reads its container's files from. */
  podObjects: Map<string, Pod>;
  /**
   * The owners (pod uids, `node:NAME` for hostPath trees) that have files kept in storage, when
   * the read that built the world knew; absent: unknown. A server of a pod with none serves its
   * image's files without reading storage.
   */
  written?: Set<string>;
}

/** A container as the network sees it: what it runs and whether it is running now. */
export interface ContainerView {
  name: string;
  image: string;
  command: string[] | null;
  args: string[];
  ports: { name: string; containerPort: number; protocol: string; hostPort?: number }[];
  running: boolean;
  /** When its running process started (ms), or null: what a server that changes with time reads. */
  startedMs: number | null;
}

/** A pod as the network sees it. */
export interface PodView {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  hostIP: string;
  nodeName: string;
  hostNetwork: boolean;
  hostname: string;
  subdomain: string;
  labels: Record<string, string>;
  phase: string;
  ready: boolean;
  containers: ContainerView[];
}

/** A service port as kube-proxy programs it. */
export interface ServicePortView {
  name: string;
  protocol: string;
  port: number;
  targetPort: number | string;
  nodePort: number | null;
}

/** A service as kube-proxy and CoreDNS see it. */
export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  /** "" for a headless service (clusterIP None) and for ExternalName. */
  clusterIP: string;
  externalName: string;
  ports: ServicePortView[];
}

/** One address of a service's Endpoints, with the ports it serves there. */
export interface EndpointView {
  ip: string;
  ready: boolean;
  hostname: string;
  pod: { namespace: string; name: string } | null;
  ports: { name: string; port: number; protocol: string }[];
}

/** A node: its name and InternalIP. */
export interface NodeView {
  name: string;
  ip: string;
}

/** The objects a world is built from, as read from the store. */
export interface WorldObjects {
  pods: KubeObject[];
  services: KubeObject[];
  endpoints: KubeObject[];
  nodes: KubeObject[];
}

function containerView(c: Container, running: Map<string, number>): ContainerView {
  return {
    name: c.name,
    image: c.image ?? "",
    command: c.command?.length ? c.command : null,
    args: c.args ?? [],
    ports: (c.ports ?? []).map((p) => ({
      name: p.name ?? "",
      containerPort: p.containerPort,
      protocol: p.protocol || "TCP",
      ...(p.hostPort ? { hostPort: p.hostPort } : {}),
    })),
    running: running.has(c.name),
    startedMs: running.get(c.name) ?? null,
  };
}

/** A pod's network view: its IP, whether it is Ready, which containers run now. */
export function podView(pod: Pod): PodView {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const running = new Map(
    [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]
      .filter((s) => s.state?.running)
      .map((s) => [s.name, Date.parse(s.state?.running?.startedAt ?? "") || 0] as const),
  );
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  return {
    namespace: pod.metadata.namespace ?? "",
    name: pod.metadata.name ?? "",
    uid: pod.metadata.uid ?? "",
    ip: status.podIP ?? "",
    hostIP: status.hostIP ?? "",
    nodeName: spec.nodeName ?? "",
    hostNetwork: spec.hostNetwork === true,
    hostname: spec.hostname ?? "",
    subdomain: spec.subdomain ?? "",
    labels: pod.metadata.labels ?? {},
    phase: status.phase ?? "",
    ready: (status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    containers: [...(spec.containers ?? []), ...sidecars].map((c) => containerView(c, running)),
  };
}

function serviceView(service: Service): ServiceView {
  const spec = service.spec ?? {};
  const clusterIP = spec.clusterIP && spec.clusterIP !== "None" ? spec.clusterIP : "";
  return {
    namespace: service.metadata.namespace ?? "",
    name: service.metadata.name ?? "",
    type: spec.type ?? "ClusterIP",
    clusterIP: spec.type === "ExternalName" ? "" : clusterIP,
    externalName: spec.type === "ExternalName" ? (spec.externalName ?? "") : "",
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? "",
      protocol: p.protocol || "TCP",
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      nodePort: p.nodePort ?? null,
    })),
  };
}

function endpointViews(ep: Endpoints): EndpointView[] {
  const views: EndpointView[] = [];
  for (const subset of ep.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => ({
      name: p.name ?? "",
      port: p.port,
      protocol: p.protocol || "TCP",
    }));
    const add = (ready: boolean) => (a: NonNullable<typeof subset.addresses>[number]) =>
      views.push({
        ip: a.ip,
        ready,
        hostname: a.hostname ?? "",
        pod:
          a.targetRef?.kind === "Pod"
            ? { namespace: a.targetRef.namespace ?? "", name: a.targetRef.name ?? "" }
            : null,
        ports,
      });
    (subset.addresses ?? []).forEach(add(true));
    (subset.notReadyAddresses ?? []).forEach(add(false));
  }
  return views;
}

function nodeView(node: Node): NodeView {
  const ip = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  return { name: node.metadata.name ?? "", ip };
}

/** Builds the network a pod sees from the sandbox's pods, services, endpoints and nodes. */
export function buildWorld(objects: WorldObjects, written?: Set<string>): NetworkWorld {
  const endpoints = new Map<string, EndpointView[]>();
  for (const obj of objects.endpoints) {
    const ep = obj as Endpoints;
    endpoints.set(`${ep.metadata.namespace ?? ""}/${ep.metadata.name ?? ""}`, endpointViews(ep));
  }
  return {
    pods: objects.pods.map((p) => podView(p as Pod)),
    services: objects.services.map((s) => serviceView(s as Service)),
    endpoints,
    nodes: objects.nodes.map((n) => nodeView(n as Node)),
    podObjects: new Map(
      objects.pods.map((p) => [`${p.metadata.namespace ?? ""}/${p.metadata.name ?? ""}`, p as Pod]),
    ),
    ...(written ? { written } : {}),
  };
}

/** The pod holding an IP now (not finished), or null. Host-network pods share their node's IP. */
export function podByIP(world: NetworkWorld, ip: string): PodView | null {
  return (
    world.pods.find(
      (p) => p.ip === ip && !p.hostNetwork && p.phase !== "Succeeded" && p.phase !== "Failed",
    ) ?? null
  );
}
