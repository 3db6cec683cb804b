import { GraphQLError } from "graphql";
import { AccountError } from "../../accounts/errors.ts";
import { createSandbox, deleteSandbox, getSandbox, listSandboxes } from "../../accounts/sandboxes.ts";
import { logIn, revokeToken, signUp } from "../../accounts/users.ts";
import { type GraphQLContext, requireUser } from "./context.ts";

/** Turns the domain's expected failures into typed GraphQL errors; anything else stays masked. */
async function typed<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AccountError) {
      // A refused attempt is HTTP's 429 with Retry-After too (yoga answers extensions.http).
      const retry = err.retryAfterSeconds;
      const http = retry ? { http: { status: 429, headers: { "retry-after": String(retry) } } } : {};
      throw new GraphQLError(err.message, { extensions: { code: err.code, ...http } });
    }
    throw err;
  }
}

type Args<T> = T;

/** The resolvers of schema.graphql. */
export const resolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: GraphQLContext) => ctx.user,
    sandboxes: (_: unknown, __: unknown, ctx: GraphQLContext) =>
      typed(() => listSandboxes(ctx.database, ctx.auth, ctx.server, requireUser(ctx).id)),
    sandbox: (_: unknown, args: Args<{ id: string }>, ctx: GraphQLContext) =>
      typed(async () => {
        const user = requireUser(ctx);
        try {
          return await getSandbox(ctx.database, ctx.auth, ctx.server, user.id, args.id);
        } catch (err) {
          if (err instanceof AccountError && err.code === "NOT_FOUND") return null;
          throw err;
        }
      }),
  },
  Mutation: {
    signUp: (_: unknown, args: Args<{ email: string; password: string }>, ctx: GraphQLContext) =>
      typed(() => signUp(ctx.database, ctx.auth, args.email, args.password, ctx.clientAddress)),
    logIn: (_: unknown, args: Args<{ email: string; password: string }>, ctx: GraphQLContext) =>
      typed(() => logIn(ctx.database, ctx.auth, args.email, args.password, ctx.clientAddress)),
    logOut: (_: unknown, __: unknown, ctx: GraphQLContext) =>
      typed(async () => {
        const user = requireUser(ctx);
        return revokeToken(ctx.database, user.id, ctx.tokenId ?? "");
      }),
    createSandbox: (_: unknown, args: Args<{ name: string }>, ctx: GraphQLContext) =>
      typed(() => createSandbox(ctx.database, ctx.auth, ctx.server, requireUser(ctx).id, args.name)),
    deleteSandbox: (_: unknown, args: Args<{ id: string }>, ctx: GraphQLContext) =>
      typed(() => deleteSandbox(ctx.database, requireUser(ctx).id, args.id)),
  },
};
