import type { Database } from "../db/connection.ts";
import { readResources } from "../db/store/resource-reads.ts";
import { type Balancer, processBalancer } from "../kube/network/balancer.ts";
import type { ContainerRef, PodNetwork, VirtualClock } from "../kube/network/context.ts";
import { originOf } from "../kube/network/route.ts";
import { buildWorld, type NetworkWorld, type PodView } from "../kube/network/world.ts";

/**
 * The sandbox's network as it is now (pods, services, endpoints, nodes), read in one statement
 * for one request: what curl in a pod, the API's proxy and port-forward route through.
 */
export async function readNetworkWorld(database: Database, sandboxId: string): Promise<NetworkWorld> {
  const r = await readResources(database, sandboxId, ["pods", "services", "endpoints", "nodes"]);
  return buildWorld({
    pods: r.pods ?? [],
    services: r.services ?? [],
    endpoints: r.endpoints ?? [],
    nodes: r.nodes ?? [],
  });
}

/** kube-proxy's round robin for a sandbox: kept per process (see kube/network/balancer.ts). */
export function sandboxBalancer(_database: Database, sandboxId: string): Balancer {
  return processBalancer(sandboxId);
}

/** Where servers' log lines go: the container's log (the pods' journal). */
export type ContainerLogAppender = (target: ContainerRef, lines: string[], at: number) => Promise<void>;

/** What a network of a sandbox is made of, besides the world. */
export interface NetworkOptions {
  /** The pod the traffic comes from; null for the API server (the proxy, port-forward). */
  self: PodView | null;
  clock: VirtualClock;
  appendLog: ContainerLogAppender;
}

/** The control plane's address: where the API server's own connections come from. */
export function controlPlaneIP(world: NetworkWorld): string {
  return world.nodes[0]?.ip ?? "192.168.49.2";
}

/** The network a pod's command, or the API server, uses for one request. */
export function sandboxNetwork(
  database: Database,
  sandboxId: string,
  world: NetworkWorld,
  options: NetworkOptions,
): PodNetwork {
  const { self } = options;
  return {
    world,
    self,
    origin: self ? originOf(self) : { pod: null, ip: controlPlaneIP(world) },
    balancer: sandboxBalancer(database, sandboxId),
    clock: options.clock,
    log: options.appendLog,
  };
}
