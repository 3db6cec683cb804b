import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { log } from "../log.ts";

/**
 * The plain HTTP upgrade to SPDY/3.1 that kubectl before 1.30 (exec, attach, cp) and 1.31
 * (port-forward) makes: a POST with `Connection: Upgrade`, `Upgrade: SPDY/3.1` and the stream
 * protocols it speaks in `X-Stream-Protocol-Version` headers. The kubelet answers 101 with the
 * protocol it chose; the socket then carries a SPDY connection.
 */

/** Whether a request asks to switch to SPDY/3.1. */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /(^|[\s,])spdy\/3\.1($|[\s,])/i.test(String(req.headers.upgrade ?? ""));
}

/** The stream protocols the client offered, in its order (Node joins repeated headers with ", "). */
export function offeredStreamProtocols(req: IncomingMessage): string[] {
  const raw = req.headers["x-stream-protocol-version"];
  return (Array.isArray(raw) ? raw.join(",") : String(raw ?? ""))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The kubelet's protocol handshake (apimachinery's httpstream.Handshake): the first protocol the
 * client offered that the server speaks; none offered is a 400, none in common a 403 naming
 * what the server accepts — plain text, as the kubelet's http.Error writes them.
 */
export function spdyHandshake(req: IncomingMessage, serverProtocols: string[]): string | Response {
  const offered = offeredStreamProtocols(req);
  const text = (status: number, message: string, headers: [string, string][] = []) =>
    new Response(`${message}\n`, {
      status,
      headers: [
        ["content-type", "text/plain; charset=utf-8"],
        ["x-content-type-options", "nosniff"],
        ...headers,
      ],
    });
  if (!offered.length) return text(400, "unable to upgrade: X-Stream-Protocol-Version is required");
  const chosen = offered.find((p) => serverProtocols.includes(p));
  if (chosen) return chosen;
  return text(
    403,
    `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(" ")}], server accepts [${serverProtocols.join(" ")}]`,
    serverProtocols.map((p): [string, string] => ["x-accepted-stream-protocol-versions", p]),
  );
}

/** Answers 101 Switching Protocols with the chosen stream protocol; the socket is SPDY's from here. */
export function switchToSpdy(socket: Duplex, protocol: string): void {
  const net = socket as Duplex & { setNoDelay?: (on: boolean) => void; setTimeout?: (ms: number) => void };
  net.setNoDelay?.(true);
  net.setTimeout?.(0);
  socket.write(
    [
      "HTTP/1.1 101 Switching Protocols",
      "Connection: Upgrade",
      "Upgrade: SPDY/3.1",
      `X-Stream-Protocol-Version: ${protocol}`,
      "",
      "",
    ].join("\r\n"),
  );
}

/**
 * Switches the socket to SPDY (101 with `protocol`) and hands every byte read from it, the
 * request's `head` first, to `receive`. What cannot be read (a malformed frame, a header block
 * that does not inflate) or a handler that throws ends this connection, never the process.
 */
export function serveSpdy(
  socket: Duplex,
  head: Buffer,
  protocol: string,
  receive: (bytes: Buffer) => void,
): void {
  switchToSpdy(socket, protocol);
  const read = (bytes: Buffer) => {
    if (socket.destroyed) return;
    try {
      receive(bytes);
    } catch (err) {
      log.warn({ err, protocol }, "SPDY: unreadable frames, connection closed");
      socket.destroy();
    }
  };
  socket.on("data", read);
  socket.on("error", () => socket.destroy());
  if (head.length) read(head);
}
