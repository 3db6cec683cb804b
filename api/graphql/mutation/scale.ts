import { GraphQLError } from "graphql";
import { scaleSpec } from "../../../kube/kinds/workload/scale.ts";
import { modifyObject } from "../../../registry/update.ts";
import type { GraphQLContext } from "../context.ts";
import { graphqlFieldManager } from "./apply-manifest.ts";
import { type ObjectRefInput, writeTarget } from "./object-write.ts";

/** Mutation.scale: spec.replicas through the object's update path, as `kubectl scale` through …/scale. */
export async function scale(
  _: unknown,
  args: { sandboxId: string; object: ObjectRefInput; replicas: number },
  ctx: GraphQLContext,
) {
  const { kind, target, wrap } = await writeTarget(ctx, args.sandboxId, args.object, "patch", "scale");
  if (!kind.scale)
    throw new GraphQLError(`${kind.resource} cannot be scaled`, { extensions: { code: "BAD_USER_INPUT" } });
  const spec = scaleSpec(kind);
  const updated = await modifyObject(
    ctx.database,
    args.sandboxId,
    kind,
    target,
    "",
    (current) => {
      spec.setSpecReplicas(current, args.replicas);
      return current;
    },
    { fieldManager: graphqlFieldManager },
  );
  return wrap(updated);
}
