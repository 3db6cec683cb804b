/**
 * A WebSocket the server accepted, reduced to what the streams over it need (exec's and attach's
 * channels, port-forward's tunnel, graphql-ws), whatever runtime holds it: `ws` on Node
 * (server/accepted-ws.ts), one end of a WebSocketPair in workerd (serverless/websocket-pair.ts). So each
 * stream is carried by one implementation, not one per runtime. Messages arrive as text or bytes;
 * what is sent after the socket closed is dropped.
 */
export interface AcceptedSocket {
  send(data: Uint8Array | string): void;
  close(code: number, reason?: string): void;
  onMessage(handler: (data: Uint8Array | string) => void): void;
  /** The socket closed, from either side (or failed): heard once. */
  onClose(handler: (code: number, reason: string) => void): void;
}

/**
 * How a runtime whose fetch handler answers the upgrade itself (workerd: a 101 Response carrying
 * one end of a WebSocketPair) accepts a WebSocket with the subprotocol chosen (null: none the
 * server speaks was offered): the socket, and the response to return. Node upgrades at its listener instead; Lambda cannot upgrade at all.
 */
export type AcceptWebSocket = (protocol: string | null) => { socket: AcceptedSocket; response: Response };

/** The subprotocols a WebSocket request offers (Sec-WebSocket-Protocol), in its order. */
export function offeredProtocols(req: Request): string[] {
  return (req.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Whether a request asks to be upgraded to a WebSocket (a GET with `Upgrade: websocket`). */
export function isWebSocketRequest(req: Request): boolean {
  return req.method === "GET" && (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}
