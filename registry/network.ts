import type { Database } from "../db/connection.ts";
import { type Balancer, processBalancer } from "../kube/network/balancer.ts";
import type { ContainerRef, PodNetwork, VirtualClock } from "../kube/network/context.ts";
import { originOf } from "../kube/network/route.ts";
import type { NetworkWorld, PodView } from "../kube/network/world.ts";
import { containerFileReader, type FileReadCache } from "../pods/served-files.ts";

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
  /** Where the files servers read are kept across connections (none: each request reads). */
  fileCache?: FileReadCache;
  /**
   * Its connections may outlive the read (port-forward's, open while the page is edited): which
   * pods have files is then asked of storage at each request, not taken from the read.
   */
  longLived?: boolean;
}

/** The control plane's address: where the API server's own connections come from. */
export function controlPlaneIP(world: NetworkWorld): string {
  return world.nodes[0]?.ip ?? "192.168.49.2";
}

/** The world less what its read knew of stored files. */
function withoutWritten(world: NetworkWorld): NetworkWorld {
  const { written: _, ...rest } = world;
  return rest;
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
    readFile: containerFileReader(database, sandboxId, options.longLived ? withoutWritten(world) : world, {
      nowMs: () => options.clock.now(),
      ...(options.fileCache ? { cache: options.fileCache } : {}),
    }),
  };
}
