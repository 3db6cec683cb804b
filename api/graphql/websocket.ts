import type { ExecutionArgs, GraphQLError } from "graphql";
import { handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { AcceptWebSocket } from "../accepted-socket.ts";
import type { graphqlServer } from "./index.ts";

type Yoga = ReturnType<typeof graphqlServer>;
type Enveloped = ReturnType<Yoga["getEnveloped"]>;

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on /graphql: what a browser uses for
 * subscriptions when it keeps one connection open. The same yoga as HTTP serves it: the same
 * schema, armor limits, error masking, and context — the caller is the login token of the
 * connection's `Authorization` (connection_init's payload, or the upgrade request's header,
 * which `authorizationOf` reads from what the runtime hands graphql-ws as `extra`). Node's
 * listener serves these options with graphql-ws's `ws` adapter (server/graphql-ws.ts), a fetch
 * handler that accepts WebSockets (workerd) with serveGraphQLWebSocket below.
 */
export function graphqlWsOptions<E>(
  yoga: Yoga,
  authorizationOf: (extra: E) => string,
): ServerOptions<Record<string, unknown> | undefined, E> {
  return {
    execute: (args) => (args.rootValue as { execute: Enveloped["execute"] }).execute(args),
    subscribe: (args) => (args.rootValue as { subscribe: Enveloped["subscribe"] }).subscribe(args),
    onSubscribe: async (ctx, _id, payload) => {
      const fromInit = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const authorization = typeof fromInit === "string" ? fromInit : authorizationOf(ctx.extra);
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
  };
}

/** What graphql-ws is handed of a connection accepted by a fetch handler: its upgrade request. */
interface FetchExtra {
  request: Request;
}

/**
 * Serves one graphql-ws connection from a fetch handler that accepts WebSockets (workerd): the
 * subprotocol graphql-ws speaks (graphql-ws closes the socket, 4406, when none was offered), the
 * upgrade's Authorization, and messages up to `maxBytes` (larger ones close it, 1009, as Node's
 * listener refuses them).
 */
export function serveGraphQLWebSocket(
  yoga: Yoga,
  accept: AcceptWebSocket,
  request: Request,
  maxBytes: number,
): Response {
  const server = makeServer(
    graphqlWsOptions<FetchExtra>(yoga, (extra) => extra.request.headers.get("authorization") ?? ""),
  );
  const protocol = handleProtocols(request.headers.get("sec-websocket-protocol") ?? "") || null;
  const { socket, response } = accept(protocol);
  let handle: ((data: string) => Promise<void>) | undefined;
  const closed = server.opened(
    {
      protocol: protocol ?? "",
      send: (data) => socket.send(data),
      close: (code, reason) => socket.close(code ?? 1000, reason),
      onMessage: (cb) => {
        handle = cb;
      },
    },
    { request },
  );
  socket.onMessage((data) => {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    if (text.length > maxBytes) return socket.close(1009, "Message too big");
    handle?.(text).catch(() => socket.close(1011, "Internal server error"));
  });
  socket.onClose((code, reason) => void closed(code, reason));
  return response;
}

/**
 * The answer to a graphql-ws upgrade on a runtime that cannot accept WebSockets (Lambda's
 * Function URLs): a GraphQL error naming what serves subscriptions there instead.
 */
export function graphqlWebSocketUnserved(): Response {
  return Response.json(
    {
      errors: [
        {
          message:
            "GraphQL over WebSocket is not served here: subscribe over SSE (POST /graphql with Accept: text/event-stream)",
          extensions: { code: "WEBSOCKET_UNSUPPORTED" },
        },
      ],
    },
    { status: 400 },
  );
}
