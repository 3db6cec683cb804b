import type { Server } from "node:http";
import type { ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { type GraphQLDeps, graphqlServer } from "../api/graphql/index.ts";
import { pathOf } from "./upgrade-request.ts";

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on /graphql: what a browser uses for
 * subscriptions when it keeps one connection open. Node-only (the upgrade), so it lives here
 * and reaches the same yoga as HTTP: the same schema, armor limits, error masking, and context
 * — the caller is the login token of the connection's `Authorization` (connection_init's
 * payload, or the upgrade request's header). Other upgrade paths are left to their handlers.
 */
export function attachGraphQLWebSocket(server: Server, deps: GraphQLDeps): () => Promise<void> {
  const yoga = graphqlServer(deps);
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.limits?.maxBodyBytes ?? 64 * 1024 });
  const onUpgrade = (
    req: Parameters<WebSocketServer["handleUpgrade"]>[0],
    socket: Parameters<WebSocketServer["handleUpgrade"]>[1],
    head: Buffer,
  ) => {
    if (pathOf(req) !== "/graphql") return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);
  type Enveloped = ReturnType<typeof yoga.getEnveloped>;
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as { execute: Enveloped["execute"] }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: Enveloped["subscribe"] }).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const fromInit = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization =
          typeof fromInit === "string" ? fromInit : (ctx.extra.request.headers.authorization ?? "");
        const request = new Request("http://localhost/graphql", { headers: { authorization } });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          request,
          params: payload,
        });
        // The limits (graphql-armor) throw from parse and validate: a refusal, sent as errors.
        try {
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          const args: ExecutionArgs = {
            schema,
            operationName: payload.operationName ?? null,
            document,
            variableValues: payload.variables ?? null,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
          return args;
        } catch (err) {
          // By name: graphql's CJS and ESM copies each have their own class.
          if ((err as Error | null)?.name === "GraphQLError") return [err as GraphQLError];
          throw err;
        }
      },
    },
    wss,
  );
  return async () => {
    server.off("upgrade", onUpgrade);
    await disposable.dispose();
    wss.close();
  };
}
