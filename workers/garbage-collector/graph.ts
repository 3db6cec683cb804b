import { served } from "../../db/store/rows.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { kinds } from "../../kube/kinds/index.ts";
import { type Kind, storageResource } from "../../kube/kinds/kind.ts";
import type { OwnerReference } from "../../kube/meta/owners.ts";
import type { KubeObject } from "../../kube/object.ts";

/** An object of the sandbox with the kind it is stored as. */
export interface Node {
  kind: Kind;
  object: KubeObject;
}

const uidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nodes(rows: { resource: string; resource_version: string; body: KubeObject }[]): Node[] {
  const out: Node[] = [];
  for (const row of rows) {
    const kind = kinds.find((k) => storageResource(k) === row.resource);
    if (kind) out.push({ kind, object: served(row) });
  }
  return out;
}

/** The object with this uid, read in the writer's transaction; null when there is none. */
export async function objectByUid(w: SandboxWriter, uid: string): Promise<Node | null> {
  if (!uidPattern.test(uid)) return null;
  const rows = await w.sql<{ resource: string; resource_version: string; body: KubeObject }[]>`
    SELECT resource, resource_version, body FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND uid = ${uid}::uuid`;
  return nodes(rows)[0] ?? null;
}

/** The objects whose ownerReferences name this uid, in a stable order. */
export async function dependentsOf(w: SandboxWriter, uid: string): Promise<Node[]> {
  const rows = await w.sql<{ resource: string; resource_version: string; body: KubeObject }[]>`
    SELECT resource, resource_version, body FROM objects
    WHERE sandbox_id = ${w.sandboxId}
      AND body -> 'metadata' -> 'ownerReferences' @> ${JSON.stringify([{ uid }])}::jsonb
    ORDER BY resource, namespace, name`;
  return nodes(rows);
}

/**
 * The owner a reference names, as the collector resolves it for a dependent: the object with
 * that uid in the dependent's namespace, or cluster-scoped. Anything else is absent.
 */
export async function resolveOwner(
  w: SandboxWriter,
  ref: OwnerReference,
  dependent: KubeObject,
): Promise<Node | null> {
  const owner = await objectByUid(w, ref.uid);
  if (!owner) return null;
  const namespace = owner.object.metadata.namespace ?? "";
  return namespace === "" || namespace === (dependent.metadata.namespace ?? "") ? owner : null;
}
