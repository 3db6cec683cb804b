import { type SandboxWriter, served } from "../../db/store.ts";
import type { KubeObject } from "../../kube/object.ts";

/**
 * The objects of one resource in one namespace, read inside the write's transaction, by name. The
 * writer holds the sandbox's lock, so what admission reads here stays true until commit.
 */
export async function namespaceObjects(
  w: SandboxWriter,
  resource: string,
  namespace: string,
): Promise<KubeObject[]> {
  const rows = await w.tx<{ resource_version: string; body: KubeObject }[]>`
    SELECT resource_version, body FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = ${resource} AND namespace = ${namespace}
    ORDER BY name`;
  return rows.map(served);
}
