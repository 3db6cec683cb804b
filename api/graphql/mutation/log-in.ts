import { logIn as logInUser } from "../../../accounts/users.ts";
import type { GraphQLContext } from "../context.ts";

/** Mutation.logIn: a new login token for the right email and password. */
export const logIn = (_: unknown, args: { email: string; password: string }, ctx: GraphQLContext) =>
  logInUser(ctx.database, ctx.auth, args.email, args.password, ctx.clientAddress);
