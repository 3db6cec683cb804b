import { applyMergePatch } from "../../../kube/patch/patch.ts";
import { modifyObject } from "../../../registry/update.ts";
import type { GraphQLContext } from "../context.ts";
import { graphqlFieldManager } from "./apply-manifest.ts";
import { type ObjectRefInput, writeTarget } from "./object-write.ts";

/** Mutation.label: a merge patch of metadata.labels, as `kubectl label --overwrite` sends (no value removes). */
export async function label(
  _: unknown,
  args: { sandboxId: string; object: ObjectRefInput; labels: { key: string; value?: string | null }[] },
  ctx: GraphQLContext,
) {
  const { kind, target, wrap } = await writeTarget(ctx, args.sandboxId, args.object, "patch");
  const labels = Object.fromEntries(args.labels.map((l) => [l.key, l.value ?? null]));
  const updated = await modifyObject(
    ctx.database,
    args.sandboxId,
    kind,
    target,
    "",
    (current) => applyMergePatch(current, { metadata: { labels } }),
    { fieldManager: graphqlFieldManager },
  );
  return wrap(updated);
}
