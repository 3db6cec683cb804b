import { createSandbox as create } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.createSandbox: a new cluster of the caller's. */
export const createSandbox = (_: unknown, args: { name: string }, ctx: GraphQLContext) =>
  create(ctx, requireUser(ctx).id, args.name);
