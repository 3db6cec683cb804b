import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

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
