import { issueKubeconfig as issue } from "../../../accounts/kubeconfig-tokens.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.issueKubeconfig: a new, separately revocable kubeconfig token for one of the caller's sandboxes. */
export const issueKubeconfig = (
  _: unknown,
  args: { sandboxId: string; label: string },
  ctx: GraphQLContext,
) => issue(ctx, requireUser(ctx).id, args.sandboxId, args.label);
