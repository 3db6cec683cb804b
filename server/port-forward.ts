import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { type KubeApiDeps, portForwardGate } from "../api/kube/index.ts";
import { isPortForwardPath } from "../api/kube/port-forward.ts";
import { carryPortForward, portForwardTunnelProtocol } from "../api/kube/port-forward-websocket.ts";
import { PortForwardSession, type PortForwardTarget } from "../kube/network/port-forward.ts";
import { log } from "../log.ts";
import { acceptedOf } from "./accepted-ws.ts";
import { isSpdyUpgrade, serveSpdy, spdyHandshake } from "./spdy-upgrade.ts";
import { answerOnSocket } from "./upgrade-fallback.ts";
import { pathOf, requestOf } from "./upgrade-request.ts";

/**
 * `kubectl port-forward` on Node's listener: over WebSocket (kubectl 1.31 and later), the tunnel
 * api/kube/port-forward-websocket.ts carries, as on workerd. Older kubectl (or KUBECTL_PORT_FORWARD_WEBSOCKETS=false)
 * upgrades the HTTP connection to SPDY/3.1 itself: the same gate as exec's and attach's (who may
 * create pods/portforward), then the same session on the raw socket.
 */

const standIn = "spdy-portforward-tunnel";
/** The stream protocol of port-forward over SPDY. */
const spdyProtocol = "portforward.k8s.io";

/** Whether an upgrade request is a port-forward this handler takes. */
export function takesPortForward(req: IncomingMessage): boolean {
  const offered = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim());
  if (!isPortForwardPath(pathOf(req))) return false;
  if (isSpdyUpgrade(req)) return true;
  return req.method === "GET" && offered.includes(portForwardTunnelProtocol);
}

/**
 * Runs a port-forward session on a socket upgraded to SPDY/3.1: a frame it cannot read, or a
 * forwarded connection that fails, ends this session (and its socket), nothing else.
 */
export function serveOverSpdy(socket: Duplex, head: Buffer, target: PortForwardTarget): void {
  const session = new PortForwardSession(
    target,
    (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes);
    },
    (err) => {
      log.warn({ err }, "port-forward: session ended on an error");
      socket.destroy();
    },
  );
  const stop = target.endsWhen?.(() => socket.destroy()) ?? (() => {});
  socket.on("close", () => {
    stop();
    session.close();
  });
  serveSpdy(socket, head, spdyProtocol, (bytes) => session.receive(bytes));
}

/** Serves port-forward WebSockets on a listener; returns the detach. */
export function attachPortForward(server: Server, deps: KubeApiDeps): () => void {
  const gate = portForwardGate(deps);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024 * 1024,
    // ws refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol ("/" is no token character, though
    // Go's websocket accepts it): the request names a stand-in, and the answer the real one.
    handleProtocols: (protocols) => (protocols.has(standIn) ? portForwardTunnelProtocol : false),
  });
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!takesPortForward(req)) return;
    let target: Awaited<ReturnType<typeof gate>>;
    try {
      target = await gate(requestOf(req));
    } catch {
      socket.destroy();
      return;
    }
    if (target instanceof Response) {
      await answerOnSocket(socket, target);
      return;
    }
    if (isSpdyUpgrade(req)) {
      const protocol = spdyHandshake(req, [spdyProtocol]);
      if (protocol instanceof Response) await answerOnSocket(socket, protocol);
      else serveOverSpdy(socket, head, target);
      return;
    }
    const found = target;
    req.headers["sec-websocket-protocol"] = standIn;
    wss.handleUpgrade(req, socket, head, (ws) => carryPortForward(acceptedOf(ws), found));
  };
  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}
