import { type Listener, listenerOf } from "../runtime/servers/catalogue.ts";
import type { Balancer } from "./balancer.ts";
import { type ContainerView, type NetworkWorld, type PodView, podByIP, type ServiceView } from "./world.ts";

/**
 * Where a TCP connection from a pod (or from a node, or the API server) ends, as the node's
 * routes and kube-proxy's rules decide: loopback is the pod itself; a service's ClusterIP:port,
 * and every node's IP at a NodePort, go to one of the port's ready endpoints at its target port
 * (round robin); no ready endpoint, or a port nothing listens on, is refused (kube-proxy's REJECT,
 * the kernel's RST); an address no one has is unreachable (the SYN goes unanswered).
 */

/** Where a connection reached: a listening container, or a failure curl and nc report. */
export type Route =
  | {
      kind: "open";
      pod: PodView;
      container: ContainerView;
      listener: Listener;
      /** The address and port that accepted (after kube-proxy's DNAT). */
      ip: string;
      port: number;
      /** The address the server sees the client at. */
      clientIP: string;
    }
  | { kind: "refused" }
  | { kind: "unreachable" };

/** Who connects: a pod (exec, a container's loop, a probe from its node) or something outside the pod network. */
export interface Origin {
  pod: PodView | null;
  /** The address connections leave from: the pod's IP, a node's, or the API server's. */
  ip: string;
}

const refused: Route = { kind: "refused" };
const unreachable: Route = { kind: "unreachable" };

function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1";
}

/** The container of a pod listening on a TCP port now, or why not. */
export function podListener(
  pod: PodView,
  port: number,
): { container: ContainerView; listener: Listener } | null {
  if (pod.phase === "Succeeded" || pod.phase === "Failed") return null;
  for (const container of pod.containers) {
    if (!container.running) continue;
    const listener = listenerOf(container);
    if (listener?.ports.includes(port)) return { container, listener };
  }
  return null;
}

function toPod(pod: PodView, ip: string, port: number, clientIP: string): Route {
  const found = podListener(pod, port);
  return found ? { kind: "open", pod, ...found, ip, port, clientIP } : refused;
}

/** The endpoint a service port sends the next connection to (ready ones, round robin), or null. */
async function pickEndpoint(
  world: NetworkWorld,
  service: ServiceView,
  portName: string,
  balancer: Balancer,
): Promise<{ ip: string; port: number } | null> {
  const ready = (world.endpoints.get(`${service.namespace}/${service.name}`) ?? [])
    .filter((e) => e.ready)
    .flatMap((e) => {
      const p = e.ports.find((x) => x.name === portName && x.protocol === "TCP");
      return p ? [{ ip: e.ip, port: p.port }] : [];
    })
    .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
  if (!ready.length) return null;
  const index =
    ready.length === 1
      ? 0
      : await balancer.pick(`${service.namespace}/${service.name}:${portName}`, ready.length);
  return ready[index] ?? null;
}

/** Delivers to an address inside the cluster after kube-proxy: a pod's IP, or a node's (host network, hostPort). */
function deliver(world: NetworkWorld, ip: string, port: number, clientIP: string): Route {
  const pod = podByIP(world, ip);
  if (pod) return toPod(pod, ip, port, clientIP);
  const node = world.nodes.find((n) => n.ip === ip);
  if (node) {
    for (const p of world.pods) {
      if (p.nodeName !== node.name) continue;
      if (p.hostNetwork) {
        const found = podListener(p, port);
        if (found) return { kind: "open", pod: p, ...found, ip, port, clientIP };
      }
      const mapped = p.containers.find((c) => c.ports.some((x) => x.hostPort === port));
      const containerPort = mapped?.ports.find((x) => x.hostPort === port)?.containerPort;
      if (containerPort !== undefined && p.ip) return toPod(p, p.ip, containerPort, clientIP);
    }
    return refused;
  }
  return unreachable;
}

/** Opens a TCP connection from `origin` to ip:port (the rules at the top of this file). */
export async function route(
  world: NetworkWorld,
  origin: Origin,
  ip: string,
  port: number,
  balancer: Balancer,
): Promise<Route> {
  if (isLoopback(ip)) return origin.pod ? toPod(origin.pod, ip, port, ip) : refused;
  if (origin.pod && ip === origin.pod.ip) return toPod(origin.pod, ip, port, ip);
  const service = world.services.find((s) => s.clusterIP === ip);
  if (service) {
    const sp = service.ports.find((p) => p.port === port && p.protocol === "TCP");
    if (!sp) return refused;
    const target = await pickEndpoint(world, service, sp.name, balancer);
    return target ? deliver(world, target.ip, target.port, origin.ip) : refused;
  }
  const node = world.nodes.find((n) => n.ip === ip);
  if (node) {
    const nodePortService = world.services.find((s) =>
      s.ports.some((p) => p.nodePort === port && p.protocol === "TCP"),
    );
    if (nodePortService) {
      const sp = nodePortService.ports.find((p) => p.nodePort === port);
      const target = sp ? await pickEndpoint(world, nodePortService, sp.name, balancer) : null;
      // Traffic from outside the pod network is masqueraded to the node's address.
      const client = origin.pod ? origin.ip : node.ip;
      return target ? deliver(world, target.ip, target.port, client) : refused;
    }
  }
  return deliver(world, ip, port, origin.ip);
}

/** The origin of connections from a pod: its own IP (a host-network pod's is its node's). */
export function originOf(pod: PodView): Origin {
  return { pod, ip: pod.ip || pod.hostIP };
}

/** Whether an address answers ping: pods that hold it and nodes do; ClusterIPs are virtual and do not. */
export function answersPing(world: NetworkWorld, origin: Origin, ip: string): boolean {
  if (isLoopback(ip) || (origin.pod && ip === origin.pod.ip)) return true;
  if (world.nodes.some((n) => n.ip === ip)) return true;
  return podByIP(world, ip) !== null;
}
