import { type SandboxWriter, served } from "../../db/store.ts";
import type { KubeObject } from "../../kube/object.ts";

/**
 * Resources that admission reads together for the same write (a pod's create reads the
 * namespace's LimitRanges, to default and to check, and its ResourceQuotas): one query fetches
 * the lot.
 */
const readTogether = ["limitranges", "resourcequotas"];

interface Cached {
  /** How many writes the transaction had made when this was read. */
  writes: number;
  objects: KubeObject[];
}

const reads = new WeakMap<SandboxWriter, Map<string, Cached>>();

/** Whether the transaction wrote an object of `resource` in `namespace` since its `writes`th write. */
function writtenSince(w: SandboxWriter, writes: number, resource: string, namespace: string): boolean {
  return w.written.slice(writes).some((x) => x.resource === resource && x.namespace === namespace);
}

/**
 * The objects of one resource in one namespace, read inside the write's transaction, by name. The
 * writer holds the sandbox's lock, so what admission reads here stays true until commit — or
 * until the transaction itself writes such an object, which makes it read again.
 */
export async function namespaceObjects(
  w: SandboxWriter,
  resource: string,
  namespace: string,
): Promise<KubeObject[]> {
  const cache = reads.get(w) ?? new Map<string, Cached>();
  reads.set(w, cache);
  const hit = cache.get(`${resource}/${namespace}`);
  // Copies: a caller may change what it gets before it writes it.
  if (hit && !writtenSince(w, hit.writes, resource, namespace)) return structuredClone(hit.objects);
  const resources = readTogether.includes(resource) ? readTogether : [resource];
  const rows = await w.tx<{ resource: string; resource_version: string; body: KubeObject }[]>`
    SELECT resource, resource_version, body FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = ANY (${resources}) AND namespace = ${namespace}
    ORDER BY name`;
  for (const r of resources)
    cache.set(`${r}/${namespace}`, {
      writes: w.written.length,
      objects: rows.filter((row) => row.resource === r).map(served),
    });
  return structuredClone(cache.get(`${resource}/${namespace}`)?.objects ?? []);
}
