import { badRequest } from "../../kube/errors.ts";
import type { PortForwardTarget } from "../../kube/network/port-forward.ts";
import {
  type AcceptedSocket,
  type AcceptWebSocket,
  isWebSocketRequest,
  offeredProtocols,
} from "../accepted-socket.ts";
import { carryPortForward, portForwardTunnelProtocol } from "./port-forward-websocket.ts";
import { type ContainerExited, type RemoteCommand, remoteCommandProtocols } from "./remote-command.ts";
import { carryRemoteCommand } from "./remote-websocket.ts";
import { statusResponse } from "./response.ts";

/**
 * What a runtime that upgrades in its fetch handler gives a pod's streams (`kubectl exec`,
 * `attach`, `cp`, `port-forward`), which a fetch handler answers so: the stream gate first (401, 403, 404, 400 as Status responses, before any upgrade), then,
 * where the runtime accepts WebSockets in its fetch handler (`accept`: workerd), the WebSocket
 * with the protocol kubectl offered, echoed back. Anything else — a plain request, SPDY/3.1
 * (kubectl before 1.30, which needs the raw connection no fetch handler is given), a runtime that
 * cannot upgrade (Lambda's Function URLs) — gets the API server's answer to a stream request it
 * does not upgrade: 400 "Upgrade request required". On Node the listener upgrades (WebSocket and
 * SPDY) before the app sees the request (server/remote-command.ts, server/port-forward.ts).
 */
export interface PodStreamDeps {
  /** How this runtime accepts a WebSocket from its fetch handler. */
  accept: AcceptWebSocket;
  /** Tells the kubelet that an attached container's process ended (workers/kubelet's containerExited). */
  containerExited: ContainerExited;
}

/** The API server's answer to a stream request it does not upgrade. */
export const upgradeRequired = () => statusResponse(badRequest("Upgrade request required"));

/** The subprotocol to accept a WebSocket request with: the first offered that `spoken` holds. */
function chosen(req: Request, spoken: string[]): string | null {
  if (!isWebSocketRequest(req)) return null;
  const offered = offeredProtocols(req);
  return spoken.find((p) => offered.includes(p)) ?? null;
}

/**
 * Answers a stream request: the gate's Status, or the WebSocket (with the protocol of `spoken`
 * the client offered first) that `carry` serves what the gate prepared over, or 400.
 */
async function podStream<T>(
  gate: (req: Request) => Promise<T | Response>,
  spoken: string[],
  carry: (socket: AcceptedSocket, protocol: string, prepared: T) => void,
  accept: AcceptWebSocket | undefined,
  req: Request,
): Promise<Response> {
  const prepared = await gate(req);
  if (prepared instanceof Response) return prepared;
  const protocol = chosen(req, spoken);
  if (!accept || !protocol) return upgradeRequired();
  const { socket, response } = accept(protocol);
  carry(socket, protocol, prepared);
  return response;
}

/** Answers an exec or attach request: the gate's Status, the WebSocket (v5 or v4), or 400. */
export function remoteCommandStream(
  gate: (req: Request) => Promise<RemoteCommand | Response>,
  accept: AcceptWebSocket | undefined,
  req: Request,
): Promise<Response> {
  return podStream(gate, remoteCommandProtocols, carryRemoteCommand, accept, req);
}

/** Answers a port-forward request: the gate's Status, the tunnelled WebSocket, or 400. */
export function portForwardStream(
  gate: (req: Request) => Promise<PortForwardTarget | Response>,
  accept: AcceptWebSocket | undefined,
  req: Request,
): Promise<Response> {
  return podStream(
    gate,
    [portForwardTunnelProtocol],
    (socket, _protocol, target) => carryPortForward(socket, target),
    accept,
    req,
  );
}
