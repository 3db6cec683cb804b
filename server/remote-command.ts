import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { KubeApiDeps } from "../api/kube/index.ts";
import { isRemoteCommandPath, remoteCommandGate } from "../api/kube/index.ts";
import { upgradeRequired } from "../api/kube/pod-streams.ts";
import { remoteCommandProtocols } from "../api/kube/remote-command.ts";
import { carryRemoteCommand } from "../api/kube/remote-websocket.ts";
import { tellKubelet } from "../workers/kubelet/attached-exit.ts";
import { acceptedOf } from "./accepted-ws.ts";
import { negotiateSpdyRemoteCommand, serveRemoteCommandOverSpdy } from "./remote-command-spdy.ts";
import { isSpdyUpgrade } from "./spdy-upgrade.ts";
import { answerOnSocket } from "./upgrade-fallback.ts";
import { pathOf, requestOf } from "./upgrade-request.ts";

/**
 * `kubectl exec` and `attach` over WebSocket (Node-only: the upgrade): the gate checks the
 * request like any other (401, 403, 404, 400 as Status responses, which kubectl prints); an
 * accepted one is upgraded with the best channel protocol both sides speak (v5, else v4, echoed
 * back as kubectl requires) and its frames — one byte of channel, then the payload — carried to
 * the session. kubectl before 1.30 upgrades to SPDY/3.1 instead (server/remote-command-spdy.ts):
 * the same checks, the same session. Any other request gets the API server's 400 "Upgrade
 * request required".
 */
export function attachRemoteCommands(server: Server, deps: KubeApiDeps): () => void {
  const gate = remoteCommandGate(deps, tellKubelet(deps.database));
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (offered) => remoteCommandProtocols.find((p) => offered.has(p)) ?? false,
  });
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isRemoteCommandPath(pathOf(req))) return;
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    const websocket = String(req.headers.upgrade ?? "").toLowerCase() === "websocket" && req.method === "GET";
    const speaks = remoteCommandProtocols.some((p) => offered.includes(p));
    let url: URL;
    let result: Awaited<ReturnType<typeof gate>>;
    try {
      const request = requestOf(req);
      url = new URL(request.url);
      result = await gate(request);
    } catch {
      socket.destroy();
      return;
    }
    if (!(result instanceof Response) && !websocket && isSpdyUpgrade(req)) {
      const protocol = negotiateSpdyRemoteCommand(req);
      if (protocol instanceof Response) await answerOnSocket(socket, protocol);
      else serveRemoteCommandOverSpdy(socket, head, url, protocol, result);
      return;
    }
    if (result instanceof Response || !websocket || !speaks) {
      await answerOnSocket(socket, result instanceof Response ? result : upgradeRequired());
      return;
    }
    const session = result;
    wss.handleUpgrade(req, socket, head, (ws) => carryRemoteCommand(acceptedOf(ws), ws.protocol, session));
  };
  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    wss.close();
  };
}
