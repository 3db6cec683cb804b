import type { Database } from "../db/connection.ts";
import { hostPathOwner } from "../db/pods/rows.ts";
import { type Row, served } from "../db/store/rows.ts";
import { type Balancer, processBalancer } from "../kube/network/balancer.ts";
import type { ContainerRef, PodNetwork, VirtualClock } from "../kube/network/context.ts";
import { originOf } from "../kube/network/route.ts";
import { buildWorld, type NetworkWorld, type PodView } from "../kube/network/world.ts";
import type { KubeObject } from "../kube/object.ts";
import { containerFileReader, type FileReadCache } from "../pods/served-files.ts";

/**
 * The sandbox's network as it is now (pods, services, endpoints, nodes), read in one statement
 * for one request: what curl in a pod, the API's proxy and port-forward route through. The same
 * statement says which pods and nodes have files kept (pod_files, by primary key: one probe
 * each), so that a server of a pod nobody wrote to serves its image's files without a read.
 */
export async function readNetworkWorld(database: Database, sandboxId: string): Promise<NetworkWorld> {
  const rows = await database.sql<(Row & { resource: string; written: boolean | null })[]>`
    SELECT o.resource, o.resource_version, o.body,
      CASE WHEN o.resource IN ('pods', 'nodes') THEN EXISTS (
        SELECT 1 FROM pod_files f WHERE f.sandbox_id = o.sandbox_id
          AND f.pod_uid = CASE WHEN o.resource = 'pods' THEN o.uid::text ELSE 'node:' || o.name END
      ) END AS written
    FROM objects o
    WHERE o.sandbox_id = ${sandboxId} AND o.resource IN ('pods', 'services', 'endpoints', 'nodes')
    ORDER BY o.resource, o.namespace, o.name`;
  const grouped: Record<string, KubeObject[]> = { pods: [], services: [], endpoints: [], nodes: [] };
  const written = new Set<string>();
  for (const row of rows) {
    const obj = served(row);
    grouped[row.resource]?.push(obj);
    if (row.written)
      written.add(
        row.resource === "pods" ? (obj.metadata.uid ?? "") : hostPathOwner(obj.metadata.name ?? ""),
      );
  }
  return buildWorld(
    {
      pods: grouped.pods ?? [],
      services: grouped.services ?? [],
      endpoints: grouped.endpoints ?? [],
      nodes: grouped.nodes ?? [],
    },
    written,
  );
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
