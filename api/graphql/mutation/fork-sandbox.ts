import { forkSandbox as fork } from "../../../accounts/sandbox-copies.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.forkSandbox: a new sandbox of the caller's with a copy of one of theirs. */
export const forkSandbox = (_: unknown, args: { id: string; name: string }, ctx: GraphQLContext) =>
  fork(ctx, requireUser(ctx).id, args.id, args.name);
