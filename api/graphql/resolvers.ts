import { createSandbox } from "./mutation/create-sandbox.ts";
import { deleteSandbox } from "./mutation/delete-sandbox.ts";
import { logIn } from "./mutation/log-in.ts";
import { logOut } from "./mutation/log-out.ts";
import { signUp } from "./mutation/sign-up.ts";
import { me } from "./query/me.ts";
import { sandbox } from "./query/sandbox.ts";
import { sandboxes } from "./query/sandboxes.ts";

/**
 * The resolvers of schema.graphql, one file per field (query/, mutation/, subscription/) or per
 * type (types/). Resolvers throw the domain's errors; errors.ts turns them into typed ones.
 */
export const resolvers = {
  Query: { me, sandboxes, sandbox },
  Mutation: { signUp, logIn, logOut, createSandbox, deleteSandbox },
};
