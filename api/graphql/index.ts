import { createSchema, createYoga } from "graphql-yoga";
import type { ServerIdentity } from "../../accounts/sandboxes.ts";
import type { AuthSettings } from "../../accounts/users.ts";
import type { Database } from "../../db/connection.ts";
import { log } from "../../log.ts";
import { typeDefs } from "../../schema.graphql.ts";
import { type GraphQLContext, userFromRequest } from "./context.ts";
import { resolvers } from "./resolvers.ts";

/** What GraphQL needs from the service. */
export interface GraphQLDeps {
  database: Database;
  auth: AuthSettings;
  server: ServerIdentity;
}

/** What the HTTP layer hands each GraphQL request besides the request: the client's address. */
export interface GraphQLServerContext {
  clientAddress?: string | null;
}

/** The GraphQL endpoint (POST /graphql, GraphiQL on GET), SDL-first from schema.graphql. */
export function graphqlServer(deps: GraphQLDeps) {
  return createYoga<GraphQLServerContext, GraphQLContext>({
    schema: createSchema<GraphQLContext>({ typeDefs, resolvers }),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    logging: {
      debug: (...a) => log.debug(a),
      info: (...a) => log.info(a),
      warn: (...a) => log.warn(a),
      error: (...a) => log.error(a),
    },
    context: async ({ request, clientAddress }) => ({
      database: deps.database,
      auth: deps.auth,
      server: deps.server,
      clientAddress: clientAddress ?? null,
      ...(await userFromRequest(deps.database, deps.auth, request)),
    }),
  });
}
