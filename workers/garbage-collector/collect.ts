import type { SandboxWriter } from "../../db/store/writer.ts";
import { type DeleteOptions, foregroundFinalizer, orphanFinalizer } from "../../kube/meta/deletion.ts";
import { type OwnerReference, ownerReferences } from "../../kube/meta/owners.ts";
import { clone, type KubeObject } from "../../kube/object.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { replaceObject } from "../../registry/update.ts";
import { dependentsOf, type Node, objectByUid, resolveOwner } from "./graph.ts";

/** Who the collector writes as, in managedFields. */
const fieldManager = "kube-controller-manager";

function has(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/** Whether an owner is being deleted in the foreground (its dependents first). */
function deletingDependents(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp && has(obj, foregroundFinalizer);
}

/** Stores the object without the references to these uids (the collector's ownerReferences patch). */
async function dropReferences(w: SandboxWriter, node: Node, uids: Set<string>): Promise<void> {
  const next = clone(node.object);
  const kept = ownerReferences(node.object).filter((r) => !uids.has(r.uid));
  if (kept.length) next.metadata.ownerReferences = kept;
  else delete next.metadata.ownerReferences;
  await replaceObject(w, node.kind, node.object, next, "", { fieldManager });
}

/** Stores the object without one finalizer; when it was the last, the update path removes the object. */
async function dropFinalizer(w: SandboxWriter, node: Node, finalizer: string): Promise<void> {
  const next = clone(node.object);
  const kept = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  if (kept.length) next.metadata.finalizers = kept;
  else delete next.metadata.finalizers;
  await replaceObject(w, node.kind, node.object, next, "", { fieldManager });
}

/** The references of a dependent sorted as classifyReferences sorts them. */
async function classify(w: SandboxWriter, item: KubeObject) {
  const solid: OwnerReference[] = [];
  const dangling: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const ref of ownerReferences(item)) {
    const owner = await resolveOwner(w, ref, item);
    if (!owner || owner.object.metadata.uid !== ref.uid) dangling.push(ref);
    else if (deletingDependents(owner.object)) waiting.push(ref);
    else solid.push(ref);
  }
  return { solid, dangling, waiting };
}

/**
 * attemptToDeleteItem: a dependent with an owner still standing only loses its references to
 * owners that are gone or deleting in the foreground; one with none left is deleted, in the
 * foreground when an owner waits for it and it has dependents of its own, otherwise as its own
 * finalizers say (Background by default). Objects already being deleted are left to finish.
 */
export async function attemptToDelete(w: SandboxWriter, item: Node): Promise<void> {
  const obj = item.object;
  if (obj.metadata.deletionTimestamp) return;
  if (!ownerReferences(obj).length) return;
  const { solid, dangling, waiting } = await classify(w, obj);
  if (solid.length) {
    if (dangling.length || waiting.length)
      await dropReferences(w, item, new Set([...dangling, ...waiting].map((r) => r.uid)));
    return;
  }
  const uid = obj.metadata.uid ?? "";
  let policy: DeleteOptions["propagationPolicy"] = "Background";
  if (waiting.length && (await dependentsOf(w, uid)).length) policy = "Foreground";
  else if (has(obj, orphanFinalizer)) policy = "Orphan";
  else if (has(obj, foregroundFinalizer)) policy = "Foreground";
  await deleteInTransaction(w, item.kind, obj, { propagationPolicy: policy, preconditions: { uid } });
}

/** Orphaning: every dependent loses its reference to the owner, then the owner its `orphan` finalizer. */
async function orphanDependents(w: SandboxWriter, owner: Node): Promise<void> {
  const uid = owner.object.metadata.uid ?? "";
  for (const dependent of await dependentsOf(w, uid)) await dropReferences(w, dependent, new Set([uid]));
  await dropFinalizer(w, owner, orphanFinalizer);
}

/**
 * Foreground deletion: every dependent is deleted (attemptToDelete); the owner keeps its
 * `foregroundDeletion` finalizer while a dependent that blocks owner deletion still exists
 * (pods in their grace period, say), and loses it, and so goes, once none does.
 */
async function deleteDependentsFirst(w: SandboxWriter, owner: Node): Promise<void> {
  const uid = owner.object.metadata.uid ?? "";
  for (const dependent of await dependentsOf(w, uid)) await attemptToDelete(w, dependent);
  const blocking = (await dependentsOf(w, uid)).filter((d) =>
    ownerReferences(d.object).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
  );
  if (!blocking.length) await dropFinalizer(w, owner, foregroundFinalizer);
}

/**
 * One look by the garbage collector at an owner uid, in the caller's transaction. An owner that
 * is gone leaves its dependents to attemptToDelete; one marked for orphan or foreground deletion
 * gets that done; a live owner needs nothing.
 */
export async function collectGarbage(w: SandboxWriter, uid: string): Promise<void> {
  const owner = await objectByUid(w, uid);
  if (!owner) {
    for (const dependent of await dependentsOf(w, uid)) await attemptToDelete(w, dependent);
    return;
  }
  if (!owner.object.metadata.deletionTimestamp) return;
  if (has(owner.object, orphanFinalizer)) await orphanDependents(w, owner);
  else if (has(owner.object, foregroundFinalizer)) await deleteDependentsFirst(w, owner);
}
