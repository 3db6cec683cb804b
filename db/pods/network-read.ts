import { buildWorld, type NetworkWorld } from "../../kube/network/world.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { Database } from "../connection.ts";
import { type Row, served } from "../store/rows.ts";
import { hostPathOwner } from "./rows.ts";

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
