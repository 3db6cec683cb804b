import { revokeToken } from "../../../accounts/users.ts";
import { type GraphQLContext, requireUser } from "../context.ts";

/** Mutation.logOut: revokes the token the request carries. */
export const logOut = (_: unknown, __: unknown, ctx: GraphQLContext) =>
  revokeToken(ctx.database, requireUser(ctx).id, ctx.tokenId ?? "");
