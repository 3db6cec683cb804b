import type { Database } from "../db/connection.ts";
import { getObject, writeSandbox } from "../db/store.ts";
import { alreadyExists, forbidden, invalid, notFound } from "../kube/errors.ts";
import { type Kind, storageResource } from "../kube/kind.ts";
import { namespaceKind } from "../kube/kinds/namespace.ts";
import { decodeObject, prepareMetaForCreate, validateObjectMeta } from "../kube/meta.ts";
import type { KubeObject } from "../kube/object.ts";
import { sandboxGone } from "./errors.ts";

/** Options of a create: `dryRun=All` validates and answers without storing. */
export interface WriteOptions {
  dryRun?: boolean;
}

/**
 * The create path, in the kube-apiserver's order: decode → server-owned metadata → kind
 * defaults → validation → (namespace must exist and not be terminating) → store, all in one
 * transaction with the change-log entry.
 */
export async function createObject(
  database: Database,
  sandboxId: string,
  kind: Kind,
  namespace: string | null,
  body: unknown,
  options: WriteOptions = {},
): Promise<KubeObject> {
  const obj = decodeObject(kind, body);
  prepareMetaForCreate(kind, obj, namespace);
  kind.prepareForCreate?.(obj);
  const errors = [...validateObjectMeta(kind, obj), ...(kind.validate?.(obj) ?? [])];
  if (errors.length) throw invalid(kind.group, kind.kind, obj.metadata.name ?? "", errors);
  const key = {
    resource: storageResource(kind),
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name ?? "",
  };
  if (options.dryRun) {
    await checkNamespace(database, sandboxId, kind, key.namespace);
    if (await getObject(database.sql, sandboxId, key))
      throw alreadyExists(kind.group, kind.resource, key.name);
    return obj;
  }
  const result = await writeSandbox(database.sql, sandboxId, async (w) => {
    if (kind.namespaced) {
      const ns = await w.get({ resource: "namespaces", namespace: "", name: key.namespace });
      assertNamespaceOpen(key.namespace, ns, kind);
    }
    if (!(await w.create(key, obj))) throw alreadyExists(kind.group, kind.resource, key.name);
    return obj;
  });
  if (!result) throw sandboxGone();
  return result.value;
}

async function checkNamespace(database: Database, sandboxId: string, kind: Kind, namespace: string) {
  if (!kind.namespaced) return;
  const ns = await getObject(database.sql, sandboxId, {
    resource: "namespaces",
    namespace: "",
    name: namespace,
  });
  assertNamespaceOpen(namespace, ns, kind);
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
