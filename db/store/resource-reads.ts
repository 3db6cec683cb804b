import type { KubeObject } from "../../kube/object.ts";
import type { ReadSource } from "./reads.ts";
import { type Row, served } from "./rows.ts";

/**
 * Every object of several resources of a sandbox, in one statement, grouped by resource (what a
 * view across kinds reads at once: the network of pods, services, endpoints and nodes). Sealed
 * resources are refused: their bodies would need opening one by one.
 */
export async function readResources(
  source: ReadSource,
  sandboxId: string,
  resources: string[],
): Promise<Record<string, KubeObject[]>> {
  if (resources.some((r) => source.sealing.isSealed(r))) throw new Error("readResources: sealed resource");
  const rows = await source.sql<(Row & { resource: string })[]>`
    SELECT resource, resource_version, body FROM objects
    WHERE sandbox_id = ${sandboxId} AND resource = ANY(${resources}::text[])
    ORDER BY resource, namespace, name`;
  const grouped: Record<string, KubeObject[]> = Object.fromEntries(resources.map((r) => [r, []]));
  for (const row of rows) grouped[row.resource]?.push(served(row));
  return grouped;
}
