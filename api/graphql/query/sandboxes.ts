import { listSandboxes } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Query.sandboxes: the signed-in user's own sandboxes, oldest first. */
export const sandboxes = (_: unknown, __: unknown, ctx: GraphQLContext) =>
  listSandboxes(ctx, requireUser(ctx).id);
