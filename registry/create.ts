import type { Database } from "../db/connection.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { admit, listsOnCreate, mutate, validate } from "../kube/admission/chain.ts";
import { decodeObject } from "../kube/decode/decode-object.ts";
import type { DecodeOptions } from "../kube/decode/decode-typed.ts";
import { type FieldError, forbidden, invalid, invalidValue, notFound } from "../kube/errors.ts";
import { recordUpdate } from "../kube/fieldmanager/managed-fields.ts";
import { type Kind, storageResource, viewAs } from "../kube/kinds/kind.ts";
import { namespaceKind } from "../kube/kinds/namespace/index.ts";
import { prepareMetaForCreate, validateObjectMeta } from "../kube/meta/object-meta.ts";
import type { KubeObject } from "../kube/object.ts";
import type { Namespace } from "../kube/types/core-v1.ts";
import { withSecretsScrubbed } from "./secret-errors.ts";
import { inSandbox } from "./transaction.ts";

/** Options of a write: `dryRun=All` runs everything and stores nothing; the field manager's name. */
export interface WriteOptions extends DecodeOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Set by server-side apply, which records managedFields itself; other writes record an Update. */
  managedByApply?: boolean;
}

/** The kind's own checks of a new object, as one list of field errors. */
export function validateNew(kind: Kind, obj: KubeObject): FieldError[] {
  return [...validateObjectMeta(kind, obj), ...(kind.validate?.(obj) ?? [])];
}

/**
 * The create path, in the kube-apiserver's order: decode → defaults → server-owned metadata →
 * the kind's prepare and the admission that needs only the object → validation; then, in one
 * transaction holding the sandbox's write lock: namespace lifecycle → mutating admission (and
 * validation again if it changed anything) → validating admission → store with its change-log
 * entry and the jobs it calls for. A dry run does all of it and stores nothing.
 *
 * Two round trips in all: the namespace and what admission reads travel with the lock, and the
 * insert with the commit. A name already taken then fails the insert, and with it the
 * transaction, with the API server's AlreadyExists (SandboxWriter.create).
 */
export async function createObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions = {},
): Promise<KubeObject> {
  const seen = [body as KubeObject];
  return withSecretsScrubbed(kind, seen, () => create(database, sandboxId, kind, namespace, body, options));
}

async function create(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions,
): Promise<KubeObject> {
  const obj = prepareNew(kind, namespace, body, options);
  const resource = storageResource(kind);
  const ns = obj.metadata.namespace ?? "";
  return inSandbox(
    database,
    sandboxId,
    async (w) => {
      await storeNew(w, kind, obj, options);
      return obj;
    },
    {
      dryRun: options.dryRun,
      countPods: resource === "pods",
      early: (w) =>
        w.prefetch({
          objects: [
            ...(kind.namespaced ? [namespaceKey(ns)] : []),
            // A dry run looks whether the name is free.
            ...(options.dryRun ? [{ resource, namespace: ns, name: obj.metadata.name ?? "" }] : []),
          ],
          lists: kind.namespaced
            ? listsOnCreate(kind, resource, obj).map((r) => ({ resource: r, namespace: ns }))
            : [],
        }),
    },
  );
}

/** The key of a namespace object. */
const namespaceKey = (name: string) => ({ resource: "namespaces", namespace: "", name });

/**
 * Creates an object inside the caller's transaction, through the same steps as a client's
 * create (defaults, validation, admission): how controllers create pods and replica sets.
 */
export async function createInTransaction(
  w: SandboxWriter,
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions = {},
): Promise<KubeObject> {
  const obj = prepareNew(kind, namespace, body, options);
  await storeNew(w, kind, obj, options);
  return obj;
}

/** The steps of a create that need no database: decode, defaults, metadata, prepare, validate. */
export function prepareNew(
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions,
): KubeObject {
  const obj = decodeObject(kind, body, options);
  kind.defaults?.(obj);
  if (!options.managedByApply) recordUpdate({ kind, subresource: "" }, null, obj, options.fieldManager);
  prepareMetaForCreate(kind, obj, namespace);
  kind.prepareForCreate?.(obj);
  admit(storageResource(kind), obj, null);
  const errors = validateNew(kind, obj);
  if (errors.length) throw invalid(kind.group, kind.kind, obj.metadata.name ?? "", errors);
  return obj;
}

/** The steps of a create inside the transaction: namespace lifecycle, admission, store. */
async function storeNew(w: SandboxWriter, kind: Kind, obj: KubeObject, options: WriteOptions): Promise<void> {
  const resource = storageResource(kind);
  const name = obj.metadata.name ?? "";
  const key = { resource, namespace: obj.metadata.namespace ?? "", name };
  if (kind.namespaced)
    assertNamespaceOpen(
      key.namespace,
      viewAs(namespaceKind, await w.peek(namespaceKey(key.namespace))),
      kind,
    );
  await w.assertRoomFor(key, obj);
  assertReplicasWithinLimit(kind, obj, null, w.limits?.replicasPerController);
  const req = { objects: w, kind, operation: "CREATE" as const, old: null, dryRun: !!options.dryRun };
  if (await mutate(req, resource, obj)) {
    const again = validateNew(kind, obj);
    if (again.length) throw invalid(kind.group, kind.kind, name, again);
  }
  await validate(req, resource, obj);
  await w.create(key, obj);
}

/**
 * A controller's replicas within the service's limit (none when absent): a create or an update
 * that asks for more than it, and for more than the object had, is refused as the API server
 * refuses an invalid value. One already above a lowered limit may keep its count, or go down.
 */
export function assertReplicasWithinLimit(
  kind: Kind,
  obj: KubeObject,
  old: KubeObject | null,
  limit: number | undefined,
): void {
  if (limit === undefined || !kind.scale) return;
  const replicas = kind.scale.specReplicas(obj);
  if (replicas <= limit || (old && replicas <= kind.scale.specReplicas(old))) return;
  throw invalid(kind.group, kind.kind, obj.metadata.name ?? "", [
    invalidValue("spec.replicas", replicas, `must be less than or equal to ${limit}`),
  ]);
}

/** A namespaced create needs its namespace, and one that is not being deleted. */
function assertNamespaceOpen(name: string, ns: Namespace | null, kind: Kind): void {
  if (!ns) throw notFound(namespaceKind.group, namespaceKind.resource, name);
  if (ns.status?.phase === "Terminating")
    throw forbidden(`unable to create new content in namespace ${name} because it is being terminated`, {
      name,
      kind: kind.resource,
    });
}
