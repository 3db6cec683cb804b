import type { SandboxWriter } from "../db/store.ts";
import { bootstrapObjects } from "../kube/bootstrap/cluster.ts";
import { configMapKind } from "../kube/kinds/configmap/index.ts";
import { storageResource } from "../kube/kinds/kind.ts";
import { namespaceKind } from "../kube/kinds/namespace/index.ts";
import { prepareMetaForCreate } from "../kube/meta/object-meta.ts";
import { timestamp } from "../kube/object.ts";
import { prepareNew } from "./create.ts";
import { rootCaConfigMap, rootCaConfigMapBody } from "./root-ca.ts";
import { serviceAccountTask } from "./triggers/serviceaccount.ts";
import { enqueueTriggered } from "./triggers.ts";

/**
 * Writes a new cluster's system objects in the caller's transaction, all in one statement (a
 * new sandbox holds nothing to conflict with): namespaces, nodes, and what the service-account
 * controller and the root CA publisher would give each namespace at once — its `default`
 * ServiceAccount and its `kube-root-ca.crt` ConfigMap, written as they write them — so a new
 * sandbox costs no controller jobs.
 */
export async function bootstrapSandbox(w: SandboxWriter): Promise<void> {
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
    obj: prepareNew(configMapKind, namespace, rootCaConfigMapBody(), {
      fieldManager: "kube-controller-manager",
    }),
  }));
  await w.createAll([...objects, ...rootCas]);
  for (const namespace of namespaces) w.handled.add(`${serviceAccountTask}:${namespace}`);
  enqueueTriggered(w);
}
