import { deleteSandbox as remove } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.deleteSandbox: one of the caller's sandboxes, gone with everything in it. */
export const deleteSandbox = (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
  remove(ctx.database, requireUser(ctx).id, args.id);
