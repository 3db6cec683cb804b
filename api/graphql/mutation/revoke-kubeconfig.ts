import { revokeKubeconfig as revoke } from "../../../accounts/kubeconfig-tokens.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.revokeKubeconfig: one kubeconfig token of the caller's stops working, its streams end. */
export const revokeKubeconfig = (_: unknown, args: { tokenId: string }, ctx: GraphQLContext) =>
  revoke(ctx.database, requireUser(ctx).id, args.tokenId);
