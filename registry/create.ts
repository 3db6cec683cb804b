import type { Database } from "../db/connection.ts";
import { isNameTaken, type SandboxWriter } from "../db/store.ts";
import { decodeObject } from "../kube/decode/decode-object.ts";
import type { DecodeOptions } from "../kube/decode/decode-typed.ts";
import { alreadyExists, type FieldError, forbidden, invalid, notFound } from "../kube/errors.ts";
import { recordUpdate } from "../kube/fieldmanager/managed-fields.ts";
import { type Kind, storageResource } from "../kube/kinds/kind.ts";
import { namespaceKind } from "../kube/kinds/namespace/index.ts";
import { prepareMetaForCreate, validateObjectMeta } from "../kube/meta/object-meta.ts";
import type { KubeObject } from "../kube/object.ts";
import { earlyReadsOnCreate, mutate, validate } from "./admission.ts";
import { DryRun } from "./errors.ts";
import { inSandbox } from "./transaction.ts";

/** Options of a write: `dryRun=All` runs everything, then rolls back; the field manager's name. */
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
 * the kind's prepare and validation; then, in one transaction holding the sandbox's write lock:
 * namespace lifecycle → mutating admission (and validation again if it changed anything) →
 * validating admission → store with its change-log entry. A dry run does all of it and rolls back.
 *
 * Two round trips in all: the namespace and what admission reads travel with the lock, and the
 * insert with the commit. A name already taken then fails the insert, and with it the
 * transaction, and is answered as the API server does.
 */
export async function createObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions = {},
): Promise<KubeObject> {
  const obj = prepareNew(kind, namespace, body, options);
  const resource = storageResource(kind);
  try {
    return await inSandbox(
      database,
      sandboxId,
      async (w) => {
        if (options.dryRun) {
          await storeNew(w, kind, obj, options);
          throw new DryRun(obj);
        }
        await w.batch(() => storeNew(w, kind, obj, options, { held: true }), { untilCommit: true });
        return obj;
      },
      (w) => {
        if (kind.namespaced) w.prefetch(namespaceKey(obj.metadata.namespace ?? ""));
        earlyReadsOnCreate(w, kind, resource, obj);
      },
    );
  } catch (err) {
    if (err instanceof DryRun) return err.object;
    if (isNameTaken(err)) throw alreadyExists(kind.group, kind.resource, obj.metadata.name ?? "");
    throw err;
  }
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
  const errors = validateNew(kind, obj);
  if (errors.length) throw invalid(kind.group, kind.kind, obj.metadata.name ?? "", errors);
  return obj;
}

/**
 * The steps of a create inside the transaction: namespace lifecycle, admission, store. `held`:
 * the insert waits for the transaction's last statements (its caller holds writes, and maps a
 * taken name, which then fails the transaction, with isNameTaken).
 */
async function storeNew(
  w: SandboxWriter,
  kind: Kind,
  obj: KubeObject,
  options: WriteOptions,
  { held = false } = {},
): Promise<void> {
  const resource = storageResource(kind);
  const name = obj.metadata.name ?? "";
  const key = { resource, namespace: obj.metadata.namespace ?? "", name };
  if (kind.namespaced) assertNamespaceOpen(key.namespace, await w.get(namespaceKey(key.namespace)), kind);
  const req = { w, kind, operation: "CREATE" as const, old: null, dryRun: !!options.dryRun };
  if (await mutate(req, resource, obj)) {
    const again = validateNew(kind, obj);
    if (again.length) throw invalid(kind.group, kind.kind, name, again);
  }
  await validate(req, resource, obj);
  if (held) await w.createAll([{ key, obj }]);
  else if (!(await w.create(key, obj))) throw alreadyExists(kind.group, kind.resource, name);
}

/** A namespaced create needs its namespace, and one that is not being deleted. */
function assertNamespaceOpen(name: string, ns: KubeObject | null, kind: Kind): void {
  if (!ns) throw notFound(namespaceKind.group, namespaceKind.resource, name);
  if ((ns.status as { phase?: string } | undefined)?.phase === "Terminating")
    throw forbidden(`unable to create new content in namespace ${name} because it is being terminated`, {
      name,
      kind: kind.resource,
    });
}
