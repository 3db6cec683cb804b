import type { Database } from "../db/connection.ts";
import { storable } from "../db/store/rows.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { admit, mutate, validate } from "../kube/admission/chain.ts";
import { decodeObject } from "../kube/decode/decode-object.ts";
import { badRequest, conflict, invalid, notFound } from "../kube/errors.ts";
import { recordUpdate } from "../kube/fieldmanager/managed-fields.ts";
import { type Kind, storageResource } from "../kube/kinds/kind.ts";
import { shouldDeleteDuringUpdate } from "../kube/meta/deletion.ts";
import { prepareMetaForUpdate, validateObjectMeta } from "../kube/meta/object-meta.ts";
import { clone, type KubeObject } from "../kube/object.ts";
import { assertReplicasWithinLimit, validateNew, type WriteOptions } from "./create.ts";
import { removeObject } from "./delete.ts";
import { withSecretsScrubbed } from "./secret-errors.ts";
import type { Target } from "./target.ts";
import { inSandbox } from "./transaction.ts";

/** Which part of the object a write may change: the main endpoint, or the status subresource. */
export type Subresource = "" | "status";

/**
 * Turns a proposed object into the stored one and writes it, in the caller's transaction:
 * optimistic concurrency on resourceVersion, server-owned metadata kept, kind hooks, validation,
 * admission.
 * A write that changes nothing is not stored (no new resourceVersion, as the API server does).
 */
export async function replaceObject(
  w: SandboxWriter,
  kind: Kind,
  old: KubeObject,
  next: KubeObject,
  subresource: Subresource,
  options: WriteOptions,
): Promise<KubeObject> {
  const name = old.metadata.name ?? "";
  const wantVersion = next.metadata.resourceVersion;
  if (wantVersion && wantVersion !== old.metadata.resourceVersion)
    throw conflict(kind.group, kind.resource, name);
  if (next.metadata.name !== name)
    throw badRequest(
      `the name of the object (${next.metadata.name ?? ""}) does not match the name on the URL (${name})`,
    );
  const track = () =>
    !options.managedByApply && recordUpdate({ kind, subresource }, old, next, options.fieldManager);
  if (subresource === "status") {
    // The status endpoint changes status only; everything else stays as stored.
    const metadata = { ...old.metadata, managedFields: next.metadata.managedFields };
    next = { ...old, metadata, status: next.status };
    track();
  } else {
    kind.defaults?.(next);
    track();
    prepareMetaForUpdate(kind, next, old);
    kind.prepareForUpdate?.(next, old);
    admit(storageResource(kind), next, old);
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion;
  const check = () => {
    const errors =
      subresource === "status" && kind.validateStatusUpdate
        ? [...validateObjectMeta(kind, next), ...kind.validateStatusUpdate(next, old)]
        : [...validateNew(kind, next), ...(kind.validateUpdate?.(next, old) ?? [])];
    if (errors.length) throw invalid(kind.group, kind.kind, name, errors);
  };
  check();
  const resource = storageResource(kind);
  assertReplicasWithinLimit(kind, next, old, w.limits?.replicasPerController);
  const req = { objects: w, kind, operation: "UPDATE" as const, old, dryRun: !!options.dryRun, subresource };
  if (await mutate(req, resource, next)) check();
  await validate(req, resource, next);
  // Compared as stored (both carry the same resourceVersion here): the texts go on to the write.
  const texts = { body: JSON.stringify(storable(next)), previous: JSON.stringify(storable(old)) };
  if (texts.body === texts.previous || options.dryRun) return next;
  // Removing the last finalizer of an object being deleted removes it (ShouldDeleteDuringUpdate).
  if (shouldDeleteDuringUpdate(old, next)) await removeObject(w, kind, next);
  else await w.update({ resource, namespace: old.metadata.namespace ?? "", name }, next, old, texts);
  return next;
}

/**
 * Runs `change` on the current object inside one transaction and stores the result through
 * replaceObject. Used by PUT (change = take the body) and every PATCH type.
 */
export async function modifyObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  target: Target,
  subresource: Subresource,
  change: (current: KubeObject) => unknown,
  options: WriteOptions = {},
): Promise<KubeObject> {
  // A Secret's values, as the write saw them, are kept out of any error it ends in.
  const seen: KubeObject[] = [];
  return withSecretsScrubbed(kind, seen, () =>
    inSandbox(
      database,
      sandboxId,
      async (w) => {
        const key = { resource: storageResource(kind), namespace: target.namespace ?? "", name: target.name };
        const old = await w.get(key);
        if (!old) throw notFound(kind.group, kind.resource, target.name);
        seen.push(old);
        const changed = change(clone(old));
        seen.push(changed as KubeObject);
        const next = decodeObject(kind, changed, options);
        return replaceObject(w, kind, old, next, subresource, options);
      },
      { dryRun: options.dryRun },
    ),
  );
}
