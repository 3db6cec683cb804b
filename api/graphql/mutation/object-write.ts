import type { Kind } from "../../../kube/kinds/kind.ts";
import { authorize } from "../cluster/access.ts";
import { keyOf, kindNamed, type ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";

/** An ObjectRef argument: a kind (or resource name), a namespace (default: default) and a name. */
export interface ObjectRefInput {
  kind: string;
  namespace?: string | null;
  name: string;
}

/**
 * What a write mutation on one object needs: its kind and target, once the caller is known to
 * be allowed the verb there (the rule the Kubernetes API applies to their kubeconfig).
 */
export async function writeTarget(
  ctx: GraphQLContext,
  sandboxId: string,
  ref: ObjectRefInput,
  verb: string,
  subresource = "",
): Promise<{
  kind: Kind;
  target: { namespace: string | null; name: string };
  wrap: (obj: ObjectRef["obj"]) => ObjectRef;
}> {
  const kind = kindNamed(ref.kind);
  const key = keyOf(kind, ref.namespace, ref.name);
  const scope = await authorize(ctx, sandboxId, {
    verb,
    group: kind.group,
    resource: kind.resource,
    subresource,
    namespace: key.namespace,
    name: ref.name,
  });
  return {
    kind,
    target: { namespace: kind.namespaced ? key.namespace : null, name: ref.name },
    wrap: (obj) => ({ sandboxId, scope, obj }),
  };
}
