import { PortForwardSession, type PortForwardTarget } from "../../kube/network/port-forward.ts";
import { log } from "../../log.ts";
import type { AcceptedSocket } from "../accepted-socket.ts";

/**
 * `kubectl port-forward` over WebSocket (kubectl 1.31 and later): the subprotocol
 * `SPDY/3.1+portforward.k8s.io`, whose binary messages carry a SPDY/3.1 connection that
 * kube/network/port-forward.ts speaks. The same on every runtime that accepts the WebSocket.
 */

/** The tunnelled protocol kubectl 1.31+ offers. */
export const portForwardTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

/** Carries a port-forward session to `target` over an accepted WebSocket; a text message ends it. */
export function carryPortForward(socket: AcceptedSocket, target: PortForwardTarget): void {
  const session = new PortForwardSession(
    target,
    (bytes) => socket.send(bytes),
    (err) => {
      log.warn({ err }, "port-forward: session ended on an error");
      socket.close(1011);
    },
  );
  socket.onMessage((data) => {
    if (typeof data === "string") socket.close(1003);
    else session.receive(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  // The pod stopped or gone, or the token revoked: kubectl says it lost the connection to the pod.
  const stop = target.endsWhen?.(() => socket.close(1000)) ?? (() => {});
  socket.onClose(() => {
    stop();
    session.close();
  });
}
