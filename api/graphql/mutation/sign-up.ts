import { signUp as signUpUser } from "../../../accounts/users.ts";
import type { GraphQLContext } from "../context.ts";

/** Mutation.signUp: a new account, signed in. */
export const signUp = (_: unknown, args: { email: string; password: string }, ctx: GraphQLContext) =>
  signUpUser(ctx.database, ctx.auth, args.email, args.password, ctx.clientAddress);
