import type { TokenScope } from "../../../accounts/permissions.ts";
import { notFound } from "../../../kube/errors.ts";
import { kinds } from "../../../kube/kinds/index.ts";
import { type Kind, storageResource } from "../../../kube/kinds/kind.ts";
import type { KubeObject } from "../../../kube/object.ts";

/** An object as GraphQL passes it between resolvers: the object, its sandbox, and the caller's scope there. */
export interface ObjectRef {
  sandboxId: string;
  scope: TokenScope;
  obj: KubeObject;
}

/** Wraps objects of one sandbox for the type resolvers. */
export function refs(sandboxId: string, scope: TokenScope, objects: KubeObject[]): ObjectRef[] {
  return objects.map((obj) => ({ sandboxId, scope, obj }));
}

/**
 * The kind a name means, as kubectl resolves what it is given: a resource (`pods`), its singular
 * (`pod`), a short name (`po`), a kind (`Pod`), or `<resource>.<group>` (`deployments.apps`).
 * NOT_FOUND with the API server's words otherwise.
 */
export function kindNamed(name: string): Kind {
  const lower = name.toLowerCase();
  const found = kinds.find(
    (k) =>
      k.resource === lower ||
      k.singular === lower ||
      k.kind.toLowerCase() === lower ||
      k.shortNames.includes(lower) ||
      storageResource(k) === lower ||
      (k.group && `${k.resource}.${k.group}` === lower),
  );
  if (!found) throw notFound("", name, "");
  return found;
}

/** The key an object of a kind is stored under, its namespace defaulted as kubectl defaults it. */
export function keyOf(kind: Kind, namespace: string | null | undefined, name: string) {
  return {
    resource: storageResource(kind),
    namespace: kind.namespaced ? (namespace ?? "default") : "",
    name,
  };
}
