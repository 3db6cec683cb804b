import { admit } from "../../../kube/admission/chain.ts";
import { type Kind, storageResource } from "../../../kube/kinds/kind.ts";
import type { KubeObject } from "../../../kube/object.ts";

/**
 * Runs a kind's create hooks on a manifest as the registry does (defaults, prepare, and the
 * admission that needs only the object), without storage.
 */
export function created(kind: Kind, manifest: Record<string, unknown>): KubeObject {
  const obj = structuredClone({ metadata: { name: "x", namespace: "default" }, ...manifest }) as KubeObject;
  kind.defaults?.(obj);
  kind.prepareForCreate?.(obj);
  admit(storageResource(kind), obj, null);
  return obj;
}

/** Runs a kind's update hooks on a changed object as the registry does (prepare, admission). */
export function prepareUpdate(kind: Kind, next: KubeObject, old: KubeObject): void {
  kind.prepareForUpdate?.(next, old);
  admit(storageResource(kind), next, old);
}

/** The kind's validation of a new object, as `field: message` lines. */
export function problems(kind: Kind, manifest: Record<string, unknown>): string[] {
  const obj = created(kind, manifest);
  return (kind.validate?.(obj) ?? []).map((e) => `${e.field}: ${e.body}`);
}

/** A minimal valid container. */
export const nginx = { name: "nginx", image: "nginx" };
