import type { Database } from "../db/connection.ts";
import type { ObjectFilter } from "../db/filters.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { forbidden, notFound, StatusError } from "../kube/errors.ts";
import { type Kind, storageResource, viewAs } from "../kube/kinds/kind.ts";
import { immortalNamespaces, namespaceKind } from "../kube/kinds/namespace/index.ts";
import { recomputeQuotaUsage } from "../kube/kinds/resourcequota/status.ts";
import { type DeleteOptions, planDeletion } from "../kube/meta/deletion.ts";
import { type KubeObject, timestamp } from "../kube/object.ts";
import type { Target } from "./target.ts";
import { inSandbox } from "./transaction.ts";

/** The DeleteOptions the API parses, defined with the deletion rules they steer. */
export type { DeleteOptions } from "../kube/meta/deletion.ts";

/** What a delete did: removed the object now, or marked it for deletion (grace period or finalizers pending). */
export interface DeleteResult {
  object: KubeObject;
  removed: boolean;
}

function preconditionFailed(field: string, want: string, have: string | undefined): StatusError {
  return new StatusError(
    409,
    "Conflict",
    `Precondition failed: ${field} in precondition: ${want}, ${field} in object meta: ${have ?? ""}`,
  );
}

function keyOf(kind: Kind, obj: KubeObject) {
  return {
    resource: storageResource(kind),
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
  };
}

/**
 * Removes a stored object now, as its last state (what the DELETED event shows), and frees what
 * it held of its namespace's quotas. The end of every deletion, and of an update that removes
 * the last finalizer of an object being deleted.
 */
export async function removeObject(w: SandboxWriter, kind: Kind, obj: KubeObject): Promise<void> {
  const key = keyOf(kind, obj);
  await w.delete(key, obj);
  if (kind.namespaced) await recomputeQuotaUsage(w, key.namespace);
}

/**
 * Deletes one object inside the caller's transaction. A namespace turns Terminating and the
 * namespace controller empties and removes it. Anything else follows the API server's Delete
 * (kube/meta/deletion.ts): a pod on a node gets a grace period and the kubelet removes it; an Orphan
 * or Foreground propagation policy (or the kind's default) adds the garbage collector's
 * finalizer; an object with finalizers gets a deletionTimestamp and stays until they are gone;
 * the rest is removed at once, and the garbage collector is woken for its dependents.
 */
export async function deleteInTransaction(
  w: SandboxWriter,
  kind: Kind,
  obj: KubeObject,
  options: DeleteOptions,
): Promise<DeleteResult> {
  const name = obj.metadata.name ?? "";
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== obj.metadata.uid) throw preconditionFailed("UID", pre.uid, obj.metadata.uid);
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion)
    throw preconditionFailed("ResourceVersion", pre.resourceVersion, obj.metadata.resourceVersion);
  const key = keyOf(kind, obj);
  if (kind === namespaceKind) {
    const ns = viewAs(namespaceKind, obj);
    if (immortalNamespaces.has(name))
      throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: "namespaces",
      });
    if (ns.metadata.deletionTimestamp || options.dryRun) return { object: ns, removed: false };
    ns.metadata.deletionTimestamp = timestamp();
    ns.metadata.deletionGracePeriodSeconds = 0;
    ns.status = { ...ns.status, phase: "Terminating" };
    await w.update(key, ns);
    return { object: ns, removed: false };
  }
  const plan = planDeletion(kind, obj, options);
  if (options.dryRun) return { object: plan.object, removed: false };
  if (plan.action === "remove") {
    await removeObject(w, kind, plan.object);
    return { object: plan.object, removed: true };
  }
  // A repeated DELETE that changes nothing stores nothing.
  if (plan.action === "mark" && JSON.stringify(plan.object) !== JSON.stringify(obj))
    await w.update(key, plan.object);
  return { object: plan.object, removed: false };
}

/** DELETE of one object by name. */
export async function deleteObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  target: Target,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  return inSandbox(
    database,
    sandboxId,
    async (w) => {
      const obj = await w.get({
        resource: storageResource(kind),
        namespace: target.namespace ?? "",
        name: target.name,
      });
      if (!obj) throw notFound(kind.group, kind.resource, target.name);
      return deleteInTransaction(w, kind, obj, options);
    },
    { dryRun: options.dryRun },
  );
}

/**
 * DELETE of a collection (deletecollection): every object of the kind in the namespace (or
 * all) that matches the filter, in one transaction. Returns what was deleted or marked.
 */
export async function deleteCollection(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  filter: ObjectFilter,
  options: DeleteOptions = {},
): Promise<KubeObject[]> {
  return inSandbox(
    database,
    sandboxId,
    async (w) => {
      const out: KubeObject[] = [];
      for (const obj of await w.listWhere(storageResource(kind), namespace, filter))
        out.push((await deleteInTransaction(w, kind, obj, options)).object);
      return out;
    },
    { dryRun: options.dryRun },
  );
}
