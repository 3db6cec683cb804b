import { type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { statusResponse } from "../api/kube/response.ts";
import { badRequest } from "../kube/errors.ts";
import { pathOf, requestOf } from "./upgrade-request.ts";

/**
 * Answers upgrade requests (WebSocket GETs, kubectl's SPDY POSTs) that no upgrade handler takes,
 * through the app as plain requests: so an exec or port-forward the caller may not make gets the
 * API server's 403 Status (kubectl prints it), and a path with no streaming handler its 404/405,
 * instead of a socket left hanging. Once Node has an 'upgrade' listener (ours for GraphQL), it no
 * longer hands these to the request handler itself. `handled` names the requests other handlers
 * take (GraphQL's, exec's and attach's, port-forward's); this answers the rest.
 */
export function answerUnhandledUpgrades(
  server: Server,
  fetch: (req: Request) => Response | Promise<Response>,
  handled: (path: string, req: IncomingMessage) => boolean,
): () => void {
  const onUpgrade = async (req: IncomingMessage, socket: Duplex) => {
    // Requests another upgrade handler takes (GraphQL's, exec's, port-forward's) are theirs.
    if (handled(pathOf(req), req)) return;
    let request: Request;
    try {
      request = requestOf(req, ["upgrade", "connection"]);
    } catch {
      // A target or method fetch cannot hold (`//[`, CONNECT): what the API server says to it.
      await answerOnSocket(socket, statusResponse(badRequest(`malformed request: ${req.url ?? ""}`)));
      return;
    }
    try {
      await answerOnSocket(socket, await fetch(request));
    } catch {
      socket.destroy();
    }
  };
  server.on("upgrade", onUpgrade);
  return () => server.off("upgrade", onUpgrade);
}

/** Writes a response as plain HTTP on an upgrade request's socket, and closes it. */
export async function answerOnSocket(socket: Duplex, res: Response): Promise<void> {
  const body = Buffer.from(await res.arrayBuffer());
  const lines = [`HTTP/1.1 ${res.status} ${res.statusText || STATUS_CODES[res.status] || "Error"}`];
  res.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding") lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`, "connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}
