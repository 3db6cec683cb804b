import { AccountError } from "../../../accounts/errors.ts";
import { getSandbox } from "../../../accounts/sandboxes.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Query.sandbox: one sandbox the caller may see (theirs, or read-only their student's), or null. */
export async function sandbox(_: unknown, args: { id: string }, ctx: GraphQLContext) {
  const user = requireUser(ctx);
  try {
    return await getSandbox(ctx, user.id, args.id);
  } catch (err) {
    if (err instanceof AccountError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}
