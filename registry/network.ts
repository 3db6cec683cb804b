import type { Database } from "../db/connection.ts";
import { readResources } from "../db/store/resource-reads.ts";
import { buildWorld, type NetworkWorld } from "../kube/network/world.ts";

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
