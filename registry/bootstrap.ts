import type { SandboxWriter } from "../db/store/writer.ts";
import { bootstrapObjects } from "../kube/bootstrap/cluster.ts";
import { rootCaConfigMap, rootCaConfigMapBody } from "../kube/bootstrap/root-ca.ts";
import { configMapKind } from "../kube/kinds/configmap/index.ts";
import { storageResource } from "../kube/kinds/kind.ts";
import { namespaceKind } from "../kube/kinds/namespace/index.ts";
import { prepareMetaForCreate } from "../kube/meta/object-meta.ts";
import { timestamp } from "../kube/object.ts";
import { prepareNew } from "./create.ts";

/**
 * Writes a new cluster's system objects in the caller's transaction, all in one statement (a
 * new sandbox holds nothing to conflict with): namespaces, nodes, and what the service-account
 * controller and the root CA publisher would give each namespace at once — its `default`
 * ServiceAccount and its `kube-root-ca.crt` ConfigMap (publishing `caPem`), written as they
 * write them. Everything is as the controllers would leave it, so the caller's writer needs no
 * trigger rules: a new sandbox costs no controller jobs.
 */
export async function bootstrapSandbox(w: SandboxWriter, caPem: string): Promise<void> {
  const objects = bootstrapObjects(timestamp()).map(({ kind, namespace, object }) => {
    kind.defaults?.(object);
    prepareMetaForCreate(kind, object, namespace);
    kind.prepareForCreate?.(object);
    const key = {
      resource: storageResource(kind),
      namespace: namespace ?? "",
      name: object.metadata.name ?? "",
    };
    return { key, obj: object };
  });
  const namespaces = objects
    .filter((o) => o.key.resource === storageResource(namespaceKind))
    .map((o) => o.key.name);
  const rootCas = namespaces.map((namespace) => ({
    key: { resource: storageResource(configMapKind), namespace, name: rootCaConfigMap },
    obj: prepareNew(configMapKind, namespace, rootCaConfigMapBody(caPem), {
      fieldManager: "kube-controller-manager",
    }),
  }));
  for (const { key, obj } of [...objects, ...rootCas]) await w.create(key, obj);
}
