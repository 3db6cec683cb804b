import { type HttpRequest, type HttpResponse, header, parseRequest, writeResponse } from "./http-message.ts";
import type { Connection, Reply, ServerContext, SimulatedServer } from "./types.ts";

/** What an HTTP server does with one request: its response and the lines it logs. */
export type HttpHandler = (
  req: HttpRequest,
  ctx: ServerContext,
) => Promise<{ response: HttpResponse; log?: string[] }> | { response: HttpResponse; log?: string[] };

/** What an HTTP server says to bytes that are not a request (and then closes). */
export type BadRequestPage = (ctx: ServerContext) => { response: HttpResponse; log?: string[] };

/** Whether the client asked to keep the connection open after this request. */
function keepAlive(req: HttpRequest): boolean {
  const connection = (header(req.headers, "connection") ?? "").toLowerCase();
  if (req.version === "HTTP/1.0") return connection === "keep-alive";
  return connection !== "close";
}

/**
 * A connection to an HTTP/1.x server: requests are read as they complete (several may come on
 * one connection), each answered by the handler, a HEAD without its body.
 */
export function httpServer(
  name: string,
  ports: number[],
  handle: HttpHandler,
  badRequest: BadRequestPage,
): SimulatedServer {
  return {
    name,
    ports,
    open(ctx: ServerContext): Connection {
      let buffer = "";
      let closed = false;
      return {
        async receive(data: string): Promise<Reply> {
          if (closed) return { data: "", log: [], close: true };
          buffer += data;
          let out = "";
          const log: string[] = [];
          for (;;) {
            const parsed = parseRequest(buffer);
            if (parsed === null) return { data: out, log, close: false };
            if (parsed === "bad") {
              const bad = badRequest(ctx);
              closed = true;
              return {
                data: out + writeResponse(bad.response),
                log: [...log, ...(bad.log ?? [])],
                close: true,
              };
            }
            buffer = buffer.slice(parsed.used);
            const { response, log: lines = [] } = await handle(parsed.request, ctx);
            out += writeResponse(response, parsed.request.method === "HEAD");
            log.push(...lines);
            if (!keepAlive(parsed.request)) {
              closed = true;
              return { data: out, log, close: true };
            }
          }
        },
        async end(): Promise<Reply> {
          closed = true;
          return { data: "", log: [], close: true };
        },
      };
    },
  };
}

/** The request line as logs quote it. */
export function requestLine(req: HttpRequest): string {
  return `${req.method} ${req.target} ${req.version}`;
}

/** A request's path without its query. */
export function pathOf(req: HttpRequest): string {
  const q = req.target.indexOf("?");
  const path = q === -1 ? req.target : req.target.slice(0, q);
  return path.replace(/^https?:\/\/[^/]*/, "") || "/";
}
