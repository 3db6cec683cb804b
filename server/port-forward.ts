import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { sandboxOfToken } from "../api/kube/index.ts";
import { isPortForwardPath, preparePortForward } from "../api/kube/port-forward.ts";
import type { Database } from "../db/connection.ts";
import { StatusError } from "../kube/errors.ts";
import { PortForwardSession, type PortForwardTarget } from "../kube/network/port-forward.ts";
import { log } from "../log.ts";
import { isSpdyUpgrade, spdyHandshake, switchToSpdy } from "./spdy-upgrade.ts";
import { answerOnSocket } from "./upgrade-fallback.ts";

/**
 * `kubectl port-forward` over WebSocket (kubectl 1.31 and later): the subprotocol
 * `SPDY/3.1+portforward.k8s.io`, whose binary messages carry a SPDY/3.1 connection
 * (kube/network/port-forward.ts speaks it). Older kubectl (or KUBECTL_PORT_FORWARD_WEBSOCKETS=false)
 * upgrades the HTTP connection to SPDY/3.1 itself: the same checks, then the same session on
 * the raw socket.
 */

/** The tunnelled protocol kubectl 1.31+ offers. */
export const tunnelProtocol = "SPDY/3.1+portforward.k8s.io";
const standIn = "spdy-portforward-tunnel";
/** The stream protocol of port-forward over SPDY. */
const spdyProtocol = "portforward.k8s.io";

function refuse(socket: Duplex, err: unknown): void {
  const status =
    err instanceof StatusError
      ? err
      : new StatusError(500, "InternalError", "an error on the server prevented the request from succeeding");
  if (!(err instanceof StatusError)) log.error({ err }, "port-forward: unexpected error");
  const body = JSON.stringify(status.toStatus());
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Whether an upgrade request is a port-forward this handler takes. */
export function takesPortForward(req: IncomingMessage): boolean {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const offered = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim());
  if (!isPortForwardPath(path)) return false;
  if (isSpdyUpgrade(req)) return true;
  return req.method === "GET" && offered.includes(tunnelProtocol);
}

/** Runs a port-forward session on a socket upgraded to SPDY/3.1. */
function serveOverSpdy(socket: Duplex, head: Buffer, target: PortForwardTarget): void {
  switchToSpdy(socket, spdyProtocol);
  const session = new PortForwardSession(
    target,
    (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    },
    (err) => {
      log.error({ err }, "port-forward: stream failed");
      socket.destroy();
    },
  );
  socket.on("data", (bytes: Buffer) => session.receive(bytes));
  socket.on("error", () => socket.destroy());
  if (head.length) session.receive(head);
}

/** Serves port-forward WebSockets on a listener; returns the detach. */
export function attachPortForward(
  server: Server,
  deps: { database: Database; signingKey: Uint8Array },
): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024 * 1024,
    // ws refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol ("/" is no token character, though
    // Go's websocket accepts it): the request names a stand-in, and the answer the real one.
    handleProtocols: (protocols) => (protocols.has(standIn) ? tunnelProtocol : false),
  });
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!takesPortForward(req)) return;
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    let target: Awaited<ReturnType<typeof preparePortForward>>;
    try {
      target = await preparePortForward(deps, path, headers, (token) =>
        sandboxOfToken(deps.signingKey, token),
      );
    } catch (err) {
      refuse(socket, err);
      return;
    }
    if (isSpdyUpgrade(req)) {
      const protocol = spdyHandshake(req, [spdyProtocol]);
      if (protocol instanceof Response) await answerOnSocket(socket, protocol);
      else serveOverSpdy(socket, head, target);
      return;
    }
    req.headers["sec-websocket-protocol"] = standIn;
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = new PortForwardSession(
        target,
        (bytes) => {
          if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
        },
        (err) => {
          log.error({ err }, "port-forward: stream failed");
          ws.close(1011);
        },
      );
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          ws.close(1003);
          return;
        }
        session.receive(Buffer.isBuffer(data) ? data : Buffer.from(data));
      });
      ws.on("error", () => ws.terminate());
    });
  };
  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}
