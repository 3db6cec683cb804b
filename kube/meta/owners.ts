import type { KubeObject } from "../object.ts";
import type { OwnerReference } from "../types/meta-v1.ts";

export type { OwnerReference };

/** The object's ownerReferences (decoded objects carry them as their Go type says). */
export function ownerReferences(obj: KubeObject): OwnerReference[] {
  return obj.metadata.ownerReferences ?? [];
}

/** metav1.NewControllerRef: the reference a controller puts on what it makes or adopts. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** metav1.GetControllerOf: the reference with controller=true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return ownerReferences(obj).find((r) => r.controller === true);
}
