import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { KubeApiDeps } from "../api/kube/index.ts";
import { isRemoteCommandPath, remoteCommandGate } from "../api/kube/index.ts";
import { type RemoteIO, remoteCommandProtocols } from "../api/kube/remote-command.ts";
import { negotiateSpdyRemoteCommand, serveRemoteCommandOverSpdy } from "./remote-command-spdy.ts";
import { isSpdyUpgrade } from "./spdy-upgrade.ts";
import { answerOnSocket } from "./upgrade-fallback.ts";

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
  const gate = remoteCommandGate(deps);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (offered) => remoteCommandProtocols.find((p) => offered.has(p)) ?? false,
  });
  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (!isRemoteCommandPath(path)) return;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const request = new Request(`https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { headers });
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    const websocket = String(req.headers.upgrade ?? "").toLowerCase() === "websocket" && req.method === "GET";
    const speaks = remoteCommandProtocols.some((p) => offered.includes(p));
    let result: Awaited<ReturnType<typeof gate>>;
    try {
      result = await gate(request);
    } catch {
      socket.destroy();
      return;
    }
    if (!(result instanceof Response) && !websocket && isSpdyUpgrade(req)) {
      const protocol = negotiateSpdyRemoteCommand(req);
      if (protocol instanceof Response) await answerOnSocket(socket, protocol);
      else serveRemoteCommandOverSpdy(socket, head, new URL(request.url), protocol, result);
      return;
    }
    if (result instanceof Response || !websocket || !speaks) {
      const res =
        result instanceof Response
          ? result
          : new Response(
              JSON.stringify({
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Failure",
                message: "Upgrade request required",
                reason: "BadRequest",
                code: 400,
              }),
              { status: 400, headers: { "content-type": "application/json" } },
            );
      await answerOnSocket(socket, res);
      return;
    }
    const session = result;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const frameHandlers: ((channel: number, data: Uint8Array) => void)[] = [];
      const closeHandlers: (() => void)[] = [];
      const early: [number, Uint8Array][] = [];
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary && typeof data === "string") return;
        const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
        if (!bytes.length) return;
        const frame: [number, Uint8Array] = [bytes[0] as number, bytes.subarray(1)];
        if (!frameHandlers.length) early.push(frame);
        for (const h of frameHandlers) h(...frame);
      });
      ws.on("close", () => {
        for (const h of closeHandlers) h();
      });
      const io: RemoteIO = {
        protocol: ws.protocol,
        send: (channel, data) => {
          if (ws.readyState === ws.OPEN)
            ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]), { binary: true });
        },
        close: () => ws.close(1000),
        onFrame: (h) => {
          frameHandlers.push(h);
          for (const f of early.splice(0)) h(...f);
        },
        onClose: (h) => {
          closeHandlers.push(h);
        },
      };
      session.run(io).catch(() => ws.close(1011));
    });
  };
  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    wss.close();
  };
}
