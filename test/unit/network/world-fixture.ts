import { memoryBalancer } from "../../../kube/network/balancer.ts";
import { type ContainerRef, type PodNetwork, steppingClock } from "../../../kube/network/context.ts";
import { originOf } from "../../../kube/network/route.ts";
import { buildWorld, type NetworkWorld, podView } from "../../../kube/network/world.ts";
import type { KubeObject } from "../../../kube/object.ts";
import type { Pod } from "../../../kube/types/core-v1.ts";

/** A running pod with one container per image, each declaring its ports. */
export function pod(
  name: string,
  ip: string,
  images: string[],
  opts: {
    labels?: Record<string, string>;
    ready?: boolean;
    node?: string;
    command?: string[];
    namespace?: string;
  } = {},
): KubeObject {
  const containers = images.map((image, i) => ({
    name: i === 0 ? name : `c${i}`,
    image,
    ...(opts.command ? { command: opts.command } : {}),
  }));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: opts.namespace ?? "default", uid: `uid-${name}`, labels: opts.labels ?? {} },
    spec: { nodeName: opts.node ?? "node-1", containers },
    status: {
      phase: "Running",
      podIP: ip,
      hostIP: "192.168.49.2",
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        ready: true,
        state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
      })),
    },
  };
}

export function service(
  name: string,
  clusterIP: string,
  ports: { port: number; targetPort?: number | string; name?: string; nodePort?: number }[],
  opts: { type?: string; namespace?: string; externalName?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: opts.namespace ?? "default" },
    spec: {
      type: opts.type ?? "ClusterIP",
      clusterIP,
      ...(opts.externalName ? { externalName: opts.externalName } : {}),
      ports: ports.map((p) => ({ protocol: "TCP", ...p })),
    },
  };
}

export function endpoints(
  name: string,
  addresses: { ip: string; pod: string; ready?: boolean }[],
  ports: { port: number; name?: string }[],
  namespace = "default",
): KubeObject {
  const addr = (a: { ip: string; pod: string }) => ({
    ip: a.ip,
    targetRef: { kind: "Pod", namespace, name: a.pod },
  });
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace },
    subsets: [
      {
        addresses: addresses.filter((a) => a.ready !== false).map(addr),
        notReadyAddresses: addresses.filter((a) => a.ready === false).map(addr),
        ports: ports.map((p) => ({ protocol: "TCP", ...p })),
      },
    ],
  };
}

export const nodes: KubeObject[] = [1, 2, 3].map((i) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: `node-${i}` },
  status: { addresses: [{ type: "InternalIP", address: `192.168.49.${i + 1}` }] },
}));

/** The tutorial's scene: two nginx replicas behind websvc (8000 → 80, NodePort 30080), a client pod, redis. */
export function tutorialWorld(
  extra: Partial<Record<"pods" | "services" | "endpoints", KubeObject[]>> = {},
): NetworkWorld {
  return buildWorld({
    pods: [
      pod("web1", "10.244.1.5", ["nginx"], { labels: { app: "web" } }),
      pod("web2", "10.244.2.7", ["nginx"], { labels: { app: "web" } }),
      pod("client", "10.244.1.9", ["centos"], { command: ["sleep", "3600"] }),
      pod("redis", "10.244.3.4", ["redis"]),
      ...(extra.pods ?? []),
    ],
    services: [
      service("websvc", "10.96.100.10", [{ port: 8000, targetPort: 80, nodePort: 30080 }], {
        type: "NodePort",
      }),
      service("redis", "10.96.100.20", [{ port: 6379 }]),
      service("empty", "10.96.100.30", [{ port: 80 }]),
      service("kubernetes", "10.96.0.1", [{ port: 443, name: "https", targetPort: 8443 }]),
      ...(extra.services ?? []),
    ],
    endpoints: [
      endpoints(
        "websvc",
        [
          { ip: "10.244.1.5", pod: "web1" },
          { ip: "10.244.2.7", pod: "web2" },
        ],
        [{ port: 80 }],
      ),
      endpoints("redis", [{ ip: "10.244.3.4", pod: "redis" }], [{ port: 6379 }]),
      endpoints("empty", [], [{ port: 80 }]),
      ...(extra.endpoints ?? []),
    ],
    nodes,
  });
}

/** A network seen from one pod of a world, with the log lines servers wrote kept in `logs`. */
export function networkFrom(
  world: NetworkWorld,
  podName: string | null,
  start = Date.UTC(2026, 11, 7, 6, 0, 0),
) {
  const logs: { target: ContainerRef; line: string; at: number }[] = [];
  const self = podName ? (world.pods.find((p) => p.name === podName) ?? null) : null;
  const net: PodNetwork = {
    world,
    self,
    origin: self ? originOf(self) : { pod: null, ip: "192.168.49.2" },
    balancer: memoryBalancer(),
    clock: steppingClock(start),
    async log(target, lines, at) {
      for (const line of lines) logs.push({ target, line, at });
    },
  };
  return { net, logs };
}

export { type Pod, podView };
