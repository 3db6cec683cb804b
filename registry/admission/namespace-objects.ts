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
  objects: Promise<KubeObject[]>;
}

const reads = new WeakMap<SandboxWriter, Map<string, Cached>>();

/** Whether the transaction wrote an object of `resource` in `namespace` since its `writes`th write. */
function writtenSince(w: SandboxWriter, writes: number, resource: string, namespace: string): boolean {
  return w.written.slice(writes).some((x) => x.resource === resource && x.namespace === namespace);
}

/** Sends the read of `resource` (and what is read with it) in `namespace`, and caches its answer. */
function read(w: SandboxWriter, cache: Map<string, Cached>, resource: string, namespace: string): void {
  const resources = readTogether.includes(resource) ? readTogether : [resource];
  // One index range per resource (OFFSET 0 keeps each a lookup of its own): written as
  // resource = ANY (…), the planner read every object of the namespace, its pods and events too.
  const rows = w.tx<{ resource: string; resource_version: string; body: KubeObject }[]>`
    SELECT r.resource, o.resource_version, o.body
    FROM unnest(${resources}::text[]) AS r(resource)
    CROSS JOIN LATERAL (
      SELECT resource_version, body, name FROM objects
      WHERE sandbox_id = ${w.sandboxId} AND resource = r.resource AND namespace = ${namespace}
      OFFSET 0
    ) o
    ORDER BY o.name`.execute();
  const writes = w.written.length;
  for (const r of resources) {
    const objects = rows.then((all) => all.filter((row) => row.resource === r).map(served));
    // Used or not, a failed read must not go unhandled; whoever uses it still sees the error.
    objects.catch(() => {});
    cache.set(`${r}/${namespace}`, { writes, objects });
  }
}

function cacheOf(w: SandboxWriter): Map<string, Cached> {
  const cache = reads.get(w) ?? new Map<string, Cached>();
  reads.set(w, cache);
  return cache;
}

/**
 * Sends the read of a namespace's objects of `resource` now, before the transaction needs them:
 * given to `inSandbox` as an early read, it travels with the lock (SandboxWriter.open).
 */
export function prefetchNamespaceObjects(w: SandboxWriter, resource: string, namespace: string): void {
  const cache = cacheOf(w);
  if (!cache.has(`${resource}/${namespace}`)) read(w, cache, resource, namespace);
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
  const cache = cacheOf(w);
  const id = `${resource}/${namespace}`;
  const hit = cache.get(id);
  if (!hit || writtenSince(w, hit.writes, resource, namespace)) {
    // The read goes to the table: writes the transaction holds go first.
    await w.flush();
    read(w, cache, resource, namespace);
  }
  // Copies: a caller may change what it gets before it writes it.
  return structuredClone(await (cache.get(id) as Cached).objects);
}
