import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import type { ServerIdentity } from "../../accounts/sandboxes.ts";
import type { AuthSettings } from "../../accounts/users.ts";
import type { Database } from "../../db/connection.ts";
import type { Feed } from "../../db/feed.ts";
import { log } from "../../log.ts";
import { typeDefs } from "../../schema.graphql.ts";
import { makeLoaders } from "./cluster/loaders.ts";
import { type GraphQLContext, userFromAuthorization } from "./context.ts";
import { maskError } from "./errors.ts";
import { defaultGraphQLLimits, type GraphQLLimits } from "./limits.ts";
import { noNulPlugin } from "./no-nul.ts";
import { type RefusalBudget, refusalsPlugin } from "./refusals.ts";
import { resolvers } from "./resolvers.ts";

/** What GraphQL needs from the service. */
export interface GraphQLDeps {
  database: Database;
  auth: AuthSettings;
  server: ServerIdentity;
  feed: Feed;
  limits?: GraphQLLimits;
  /** Where refused documents are counted per caller (refusals.ts); none counted without it. */
  refusals?: RefusalBudget;
  /** Origins whose pages may call the service from a browser (CORS); none by default. */
  allowedOrigins?: readonly string[];
}

/** What the HTTP layer hands each GraphQL request besides the request: the client's address. */
export interface GraphQLServerContext {
  clientAddress?: string | null;
}

let built: ReturnType<typeof createSchema<GraphQLContext>> | undefined;

/**
 * The schema, built once, on first use rather than at load: a Worker's global scope must run
 * within Workers' startup limit, and building the schema is a fifth of the bundle's.
 */
export function graphqlSchema() {
  built ??= createSchema<GraphQLContext>({ typeDefs, resolvers });
  return built;
}

/**
 * yoga's log calls as pino lines: an Error becomes `err`, so it is logged with its stack (pino
 * given yoga's argument array wrote `{"0":{}}`). The errors of a result are yoga's to report at
 * debug: maskError (errors.ts) has logged the unexpected ones already.
 */
function logTo(level: "debug" | "info" | "warn" | "error") {
  return (...args: unknown[]) => {
    const err = args.find((a) => a instanceof Error);
    const text = args.filter((a) => typeof a === "string").join(" ");
    log[err instanceof GraphQLError ? "debug" : level](err ? { err } : {}, text || "graphql");
  };
}

/** The graphql-armor plugins for the limits: parse-time tokens, then depth, aliases, cost, directives. */
export function armorPlugin(limits: GraphQLLimits) {
  return EnvelopArmorPlugin({
    maxTokens: { n: limits.maxTokens },
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxDirectives: { n: limits.maxDirectives },
    blockFieldSuggestion: { enabled: true },
  });
}

/**
 * The GraphQL endpoint (POST /graphql, GraphiQL on GET, subscriptions over SSE), SDL-first from
 * schema.graphql. Limits are graphql-armor's; errors are typed or masked in one place
 * (errors.ts); CORS answers only the configured origins.
 */
export function graphqlServer(deps: GraphQLDeps) {
  const limits = deps.limits ?? defaultGraphQLLimits;
  const origins = new Set(deps.allowedOrigins ?? []);
  return createYoga<GraphQLServerContext, GraphQLContext>({
    schema: graphqlSchema(),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    multipart: false,
    batching: false,
    plugins: [armorPlugin(limits), noNulPlugin, ...(deps.refusals ? [refusalsPlugin(deps.refusals)] : [])],
    maskedErrors: { maskError },
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !origins.has(origin)) return false;
      return {
        origin: [origin],
        credentials: true,
        methods: ["GET", "POST"],
        allowedHeaders: ["authorization", "content-type"],
      };
    },
    logging: { debug: logTo("debug"), info: logTo("info"), warn: logTo("warn"), error: logTo("error") },
    context: ({ request, clientAddress }) =>
      graphqlContext(deps, request.headers.get("authorization") ?? "", clientAddress ?? null),
  });
}

/**
 * A request's context: the service's parts, the user its Authorization names (a login token;
 * anything else is nobody), and fresh loaders. The WebSocket transport builds it the same way
 * from the connection's Authorization.
 */
export async function graphqlContext(
  deps: GraphQLDeps,
  authorization: string,
  clientAddress: string | null = null,
): Promise<GraphQLContext> {
  const who = await userFromAuthorization(deps.database, deps.auth, authorization);
  return {
    database: deps.database,
    auth: deps.auth,
    server: deps.server,
    feed: deps.feed,
    clientAddress,
    ...who,
    loaders: makeLoaders(deps, who.user?.id ?? null),
  };
}
