import type { OwnerReference } from "../../kube/meta/owners.ts";
import type { KubeObject } from "../../kube/object.ts";
import { isRecord, record } from "../../kube/validation/json.ts";

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
export function podFromTemplate(controller: KubeObject, ref: OwnerReference): KubeObject {
  const template = record(record(controller.spec).template);
  const meta = record(template.metadata);
  const copy = (value: unknown) =>
    isRecord(value) || Array.isArray(value) ? structuredClone(value) : undefined;
  const labels = copy(meta.labels);
  const annotations = copy(meta.annotations);
  const finalizers = copy(meta.finalizers);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: podNamePrefix(controller.metadata.name ?? ""),
      ...(labels ? { labels: labels as Record<string, string> } : {}),
      ...(annotations ? { annotations: annotations as Record<string, string> } : {}),
      ...(finalizers ? { finalizers: finalizers as string[] } : {}),
      ownerReferences: [{ ...ref }],
    },
    spec: structuredClone(record(template.spec)),
  };
}
