import type { KubeObject } from "../../../kube/object.ts";
import type { ObjectRef } from "../cluster/refs.ts";
import type { GraphQLContext } from "../context.ts";

/** Objects of a resource in the owner's namespace whose controller is the owner (by uid). */
export async function ownedBy(ctx: GraphQLContext, owner: ObjectRef, resource: string): Promise<ObjectRef[]> {
  const all = await ctx.loaders.list.load({
    sandboxId: owner.sandboxId,
    resource,
    namespace: owner.obj.metadata.namespace ?? "",
  });
  const uid = owner.obj.metadata.uid;
  return all
    .filter((o: KubeObject) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid))
    .map((obj) => ({ ...owner, obj }));
}
