import type { OwnerReference } from "../../kube/meta/owners.ts";
import { clone } from "../../kube/object.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import type { ReplicaController } from "./flavours.ts";

/** The longest DNS subdomain, which a generated pod name must stay within. */
const maxNameLength = 253;

/** getPodsPrefix: `<controller>-`, or the bare name when the dash would make it too long. */
export function podNamePrefix(controllerName: string): string {
  return controllerName.length + 1 <= maxNameLength ? `${controllerName}-` : controllerName;
}

/**
 * GetPodFromTemplate: a new pod from the controller's template, with the template's labels,
 * annotations and finalizers, a generated name after the controller, and the controller reference.
 */
export function podFromTemplate(controller: ReplicaController, ref: OwnerReference): Pod {
  const template = controller.spec?.template;
  const meta = template?.metadata;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: podNamePrefix(controller.metadata.name ?? ""),
      ...(meta?.labels ? { labels: clone(meta.labels) } : {}),
      ...(meta?.annotations ? { annotations: clone(meta.annotations) } : {}),
      ...(meta?.finalizers ? { finalizers: clone(meta.finalizers) } : {}),
      ownerReferences: [{ ...ref }],
    },
    spec: clone(template?.spec ?? {}),
  };
}
