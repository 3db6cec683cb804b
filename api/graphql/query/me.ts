import type { GraphQLContext } from "../context.ts";

/** Query.me: the signed-in user, or null. */
export const me = (_: unknown, __: unknown, ctx: GraphQLContext) => ctx.user;
