import type { RawData, WebSocket } from "ws";
import type { AcceptedSocket } from "../api/accepted-socket.ts";

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** A `ws` WebSocket the listener accepted, as the streams carried over it take one (api/accepted-socket.ts). */
export function acceptedOf(ws: WebSocket): AcceptedSocket {
  ws.on("error", () => ws.terminate());
  return {
    send: (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: typeof data !== "string" });
    },
    close: (code, reason) => ws.close(code, reason),
    onMessage: (handler) =>
      ws.on("message", (data, isBinary) =>
        handler(isBinary ? bytesOf(data) : bytesOf(data).toString("utf8")),
      ),
    onClose: (handler) => ws.on("close", (code, reason) => handler(code, reason.toString("utf8"))),
  };
}
