import { GraphQLError } from "graphql";
import { timestamp } from "../../../kube/object.ts";
import { applyMergePatch } from "../../../kube/patch/patch.ts";
import { modifyObject } from "../../../registry/update.ts";
import type { GraphQLContext } from "../context.ts";
import { graphqlFieldManager } from "./apply-manifest.ts";
import { type ObjectRefInput, writeTarget } from "./object-write.ts";

/**
 * Mutation.restartRollout: what `kubectl rollout restart` patches — the pod template's
 * `kubectl.kubernetes.io/restartedAt` annotation — so the deployment rolls out new pods.
 */
export async function restartRollout(
  _: unknown,
  args: { sandboxId: string; object: ObjectRefInput },
  ctx: GraphQLContext,
) {
  const { kind, target, wrap } = await writeTarget(ctx, args.sandboxId, args.object, "patch");
  if (kind.kind !== "Deployment")
    throw new GraphQLError(`restarting is not supported for ${kind.resource}`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  const patch = {
    spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": timestamp() } } } },
  };
  const updated = await modifyObject(
    ctx.database,
    args.sandboxId,
    kind,
    target,
    "",
    (current) => applyMergePatch(current, patch),
    { fieldManager: graphqlFieldManager },
  );
  return wrap(updated);
}
