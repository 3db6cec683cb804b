import { resetSandbox as reset } from "../../../accounts/sandbox-copies.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.resetSandbox: one of the caller's sandboxes back to its template, or empty. */
export const resetSandbox = (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
  reset(ctx, requireUser(ctx).id, args.id);
