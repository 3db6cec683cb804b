import { deleteObject as remove } from "../../../registry/delete.ts";
import type { GraphQLContext } from "../context.ts";
import { type ObjectRefInput, writeTarget } from "./object-write.ts";

/** Mutation.deleteObject: as `kubectl delete` (the kind's default propagation; a pod's grace period). */
export async function deleteObject(
  _: unknown,
  args: { sandboxId: string; object: ObjectRefInput },
  ctx: GraphQLContext,
) {
  const { kind, target, wrap } = await writeTarget(ctx, args.sandboxId, args.object, "delete");
  const { object } = await remove(ctx.database, args.sandboxId, kind, target, {});
  return wrap(object);
}
