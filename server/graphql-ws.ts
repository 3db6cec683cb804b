import type { IncomingMessage, Server } from "node:http";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { type GraphQLDeps, graphqlServer } from "../api/graphql/index.ts";
import { graphqlWsOptions } from "../api/graphql/websocket.ts";
import { pathOf } from "./upgrade-request.ts";

/**
 * GraphQL over WebSocket (the graphql-ws protocol, api/graphql/websocket.ts) on /graphql, upgraded
 * by Node's listener with graphql-ws's `ws` adapter. Other upgrade paths are left to their handlers.
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
  const disposable = useServer(
    graphqlWsOptions<{ request: IncomingMessage }>(
      yoga,
      (extra) => extra.request.headers.authorization ?? "",
    ),
    wss,
  );
  return async () => {
    server.off("upgrade", onUpgrade);
    await disposable.dispose();
    wss.close();
  };
}
