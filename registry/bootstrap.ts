import type { SandboxWriter } from "../db/store.ts";
import { bootstrapObjects } from "../kube/bootstrap.ts";
import { storageResource } from "../kube/kind.ts";
import { prepareMetaForCreate } from "../kube/meta.ts";
import { timestamp } from "../kube/object.ts";
import { enqueueTriggered } from "./triggers.ts";

/** Writes a new cluster's system objects in the caller's transaction (namespaces, nodes, service accounts). */
export async function bootstrapSandbox(w: SandboxWriter): Promise<void> {
  // A new sandbox holds nothing to conflict with: every object in one statement.
  await w.createAll(
    bootstrapObjects(timestamp()).map(({ kind, namespace, object }) => {
      kind.defaults?.(object);
      prepareMetaForCreate(kind, object, namespace);
      kind.prepareForCreate?.(object);
      const key = {
        resource: storageResource(kind),
        namespace: namespace ?? "",
        name: object.metadata.name ?? "",
      };
      return { key, obj: object };
    }),
  );
  // The controllers a new cluster's objects call for (the root CA ConfigMap of each namespace).
  enqueueTriggered(w);
}
