import { admit } from "../../../kube/admission/chain.ts";
import { type Kind, storageResource, viewAs } from "../../../kube/kinds/kind.ts";
import type { KubeObject } from "../../../kube/object.ts";

/**
 * Runs a kind's create hooks on a manifest as the registry does (defaults, prepare, and the
 * admission that needs only the object), without storage.
 */
export function created<T extends KubeObject>(kind: Kind<T>, manifest: Record<string, unknown>): T {
  const obj = viewAs(kind, structuredClone({ metadata: { name: "x", namespace: "default" }, ...manifest }));
  kind.defaults?.(obj);
  kind.prepareForCreate?.(obj);
  admit(storageResource(kind), obj, null);
  return obj;
}

/** Runs a kind's update hooks on a changed object as the registry does (prepare, admission). */
export function prepareUpdate<T extends KubeObject>(kind: Kind<T>, next: KubeObject, old: KubeObject): void {
  kind.prepareForUpdate?.(viewAs(kind, next), viewAs(kind, old));
  admit(storageResource(kind), next, old);
}

/** The kind's validation of a new object, as `field: message` lines. */
export function problems(kind: Kind, manifest: Record<string, unknown>): string[] {
  const obj = created(kind, manifest);
  return (kind.validate?.(obj) ?? []).map((e) => `${e.field}: ${e.body}`);
}

/** A minimal valid container. */
export const nginx = { name: "nginx", image: "nginx" };

/** The cells of `kubectl get` for an object of the kind, as the printer makes them. */
export function printed<T extends KubeObject>(kind: Kind<T>, obj: KubeObject, now: number): unknown[] {
  return kind.printer.cells(viewAs(kind, obj), now);
}
