import { isPlainObject, type KubeObject } from "../object.ts";

/** One metav1.OwnerReference, the fields controllers and the garbage collector read. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The object's ownerReferences, the well-formed ones. */
export function ownerReferences(obj: KubeObject): OwnerReference[] {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return [];
  return refs.filter(
    (r): r is OwnerReference & Record<string, unknown> =>
      isPlainObject(r) &&
      typeof r.uid === "string" &&
      typeof r.kind === "string" &&
      typeof r.name === "string",
  );
}

/** metav1.GetControllerOf: the reference with controller=true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return ownerReferences(obj).find((r) => r.controller === true);
}
