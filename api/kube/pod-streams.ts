import { badRequest } from "../../kube/errors.ts";
import type { PortForwardTarget } from "../../kube/network/port-forward.ts";
import { type AcceptWebSocket, isWebSocketRequest, offeredProtocols } from "../accepted-socket.ts";
import { carryPortForward, portForwardTunnelProtocol } from "./port-forward-websocket.ts";
import { type ContainerExited, type RemoteCommand, remoteCommandProtocols } from "./remote-command.ts";
import { carryRemoteCommand } from "./remote-websocket.ts";
import { statusResponse } from "./response.ts";

/**
 * A pod's streams (`kubectl exec`, `attach`, `cp`, `port-forward`) as a fetch handler answers
 * them: the stream gate first (401, 403, 404, 400 as Status responses, before any upgrade), then,
 * where the runtime accepts WebSockets in its fetch handler (`accept`: workerd), the WebSocket
 * with the protocol kubectl offered, echoed back. Anything else — a plain request, SPDY/3.1
 * (kubectl before 1.30, which needs the raw connection no fetch handler is given), a runtime that
 * cannot upgrade (Lambda's Function URLs) — gets the API server's answer to a stream request it
 * does not upgrade: 400 "Upgrade request required". On Node the listener upgrades (WebSocket and
 * SPDY) before the app sees the request (server/remote-command.ts, server/port-forward.ts).
 */
export interface PodStreamDeps {
  /** How this runtime accepts a WebSocket from its fetch handler; none where it cannot. */
  accept?: AcceptWebSocket;
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

/** Answers an exec or attach request: the gate's Status, the WebSocket, or 400. */
export async function remoteCommandStream(
  gate: (req: Request) => Promise<RemoteCommand | Response>,
  accept: AcceptWebSocket | undefined,
  req: Request,
): Promise<Response> {
  const session = await gate(req);
  if (session instanceof Response) return session;
  const protocol = chosen(req, remoteCommandProtocols);
  if (!accept || !protocol) return upgradeRequired();
  const { socket, response } = accept(protocol);
  carryRemoteCommand(socket, protocol, session);
  return response;
}

/** Answers a port-forward request: the gate's Status, the tunnelled WebSocket, or 400. */
export async function portForwardStream(
  gate: (req: Request) => Promise<PortForwardTarget | Response>,
  accept: AcceptWebSocket | undefined,
  req: Request,
): Promise<Response> {
  const target = await gate(req);
  if (target instanceof Response) return target;
  const protocol = chosen(req, [portForwardTunnelProtocol]);
  if (!accept || !protocol) return upgradeRequired();
  const { socket, response } = accept(protocol);
  carryPortForward(socket, target);
  return response;
}
