import type { AcceptedSocket, AcceptWebSocket } from "../api/accepted-socket.ts";

/** workerd's server end of a WebSocketPair, as far as it is used here. */
interface WorkerdWebSocket {
  readonly readyState: number;
  binaryType: "arraybuffer" | "blob";
  accept(): void;
  send(data: ArrayBuffer | ArrayBufferView | string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: ArrayBuffer | string }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: "error", listener: () => void): void;
}

declare const WebSocketPair: { new (): { 0: WorkerdWebSocket; 1: WorkerdWebSocket } };

const open = 1;

/**
 * Accepts a WebSocket as a Worker does: a WebSocketPair, one end answered in a 101 response (with
 * the subprotocol chosen: kubectl refuses a connection whose answer does not echo one it
 * offered), the other accepted here and handed to the stream. Its close is heard once, whichever
 * side closes or fails; what is sent after it is dropped.
 */
export const acceptWorkerdWebSocket: AcceptWebSocket = (protocol) => {
  const pair = new WebSocketPair();
  const client = pair[0];
  const server = pair[1];
  server.accept();
  // Binary messages as bytes at once, in order (with this compatibility date workerd's default,
  // as a browser's, is a Blob, read only asynchronously).
  server.binaryType = "arraybuffer";
  const closeHandlers: ((code: number, reason: string) => void)[] = [];
  let closed = false;
  const ended = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    for (const handler of closeHandlers) handler(code, reason);
  };
  server.addEventListener("close", (event) => ended(event.code, event.reason));
  server.addEventListener("error", () => ended(1006, ""));
  const socket: AcceptedSocket = {
    send: (data) => {
      if (server.readyState === open) server.send(data);
    },
    close: (code, reason) => {
      if (server.readyState === open) server.close(code, reason);
      // workerd tells the closing side no close event of its own: the socket is over for it now.
      ended(code, reason ?? "");
    },
    onMessage: (handler) =>
      server.addEventListener("message", (event) =>
        handler(typeof event.data === "string" ? event.data : new Uint8Array(event.data)),
      ),
    onClose: (handler) => {
      closeHandlers.push(handler);
    },
  };
  const response = new Response(null, {
    status: 101,
    headers: protocol ? { "sec-websocket-protocol": protocol } : {},
    webSocket: client,
  } as ResponseInit);
  return { socket, response };
};
