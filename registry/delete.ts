import type { Database } from "../db/connection.ts";
import type { ObjectFilter } from "../db/filters.ts";
import { listObjects, type SandboxWriter } from "../db/store.ts";
import { forbidden, notFound, StatusError } from "../kube/errors.ts";
import { type Kind, storageResource } from "../kube/kind.ts";
import { immortalNamespaces, namespaceKind } from "../kube/kinds/namespace.ts";
import { type KubeObject, timestamp } from "../kube/object.ts";
import { recomputeQuotaUsage } from "./quota.ts";
import { inSandbox } from "./transaction.ts";
import type { Target } from "./update.ts";

/** metav1.DeleteOptions, as far as the server acts on them. */
export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** What a delete did: removed the object now, or marked it for deletion (finalizers pending). */
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

/**
 * Deletes one object inside the caller's transaction. A namespace turns Terminating and the
 * namespace controller empties and removes it; an object with finalizers gets a
 * deletionTimestamp and stays until they are gone; anything else is removed at once.
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
  const key = { resource: storageResource(kind), namespace: obj.metadata.namespace ?? "", name };
  if (kind === namespaceKind) {
    if (immortalNamespaces.has(name))
      throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, {
        name,
        kind: "namespaces",
      });
    if (obj.metadata.deletionTimestamp || options.dryRun) return { object: obj, removed: false };
    obj.metadata.deletionTimestamp = timestamp();
    obj.metadata.deletionGracePeriodSeconds = 0;
    obj.status = { ...(obj.status as object), phase: "Terminating" };
    await w.update(key, obj);
    return { object: obj, removed: false };
  }
  if (options.dryRun) return { object: obj, removed: false };
  if (obj.metadata.finalizers?.length) {
    if (!obj.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = timestamp();
      obj.metadata.deletionGracePeriodSeconds = 0;
      await w.update(key, obj);
    }
    return { object: obj, removed: false };
  }
  await w.delete(key, obj);
  // What the object held of its namespace's quotas is free again.
  if (kind.namespaced) await recomputeQuotaUsage(w, key.namespace);
  return { object: obj, removed: true };
}

/** DELETE of one object by name. */
export async function deleteObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  target: Target,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  return inSandbox(database, sandboxId, async (w) => {
    const obj = await w.get({
      resource: storageResource(kind),
      namespace: target.namespace ?? "",
      name: target.name,
    });
    if (!obj) throw notFound(kind.group, kind.resource, target.name);
    return deleteInTransaction(w, kind, obj, options);
  });
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
  return inSandbox(database, sandboxId, async (w) => {
    const listed = await listObjects(w.tx, sandboxId, storageResource(kind), namespace, filter);
    const out: KubeObject[] = [];
    for (const obj of listed?.items ?? [])
      out.push((await deleteInTransaction(w, kind, obj, options)).object);
    return out;
  });
}
