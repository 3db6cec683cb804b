import { httpdWelcome } from "../image-files.ts";
import { type HttpRequest, type HttpResponse, httpDate } from "./http-message.ts";
import { httpServer, pathOf, requestLine } from "./http-server.ts";
import type { ServerContext, SimulatedServer } from "./types.ts";

/**
 * Apache httpd as the official image runs it: "It works!" from htdocs on port 80, Apache's error
 * pages, and the `common` access-log line per request on stdout.
 */

const version = "Apache/2.4.62 (Unix)";
const htdocs = "/usr/local/apache2/htdocs";

const builtAt = Date.UTC(2007, 5, 11, 18, 53, 14);

function notFound(): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
}

function badRequest(): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>400 Bad Request</title>\n</head><body>\n<h1>Bad Request</h1>\n<p>Your browser sent a request that this server could not understand.<br />\n</p>\n</body></html>\n`;
}

function page(
  status: number,
  reason: string,
  now: number,
  body: string,
  extra: [string, string][] = [],
): HttpResponse {
  return {
    status,
    reason,
    headers: [
      ["Date", httpDate(now)],
      ["Server", version],
      ...extra,
      ["Content-Length", String(body.length)],
      ["Content-Type", status === 200 ? "text/html" : "text/html; charset=iso-8859-1"],
    ],
    body,
  };
}

/** Apache's `common` log format line. */
export function commonLogLine(ctx: ServerContext, req: HttpRequest, status: number, bytes: number): string {
  return `${ctx.clientIP} - - [${ctx.stamp("%d/%b/%Y:%H:%M:%S +0000")}] "${requestLine(req)}" ${status} ${bytes === 0 ? "-" : bytes}`;
}

async function handle(req: HttpRequest, ctx: ServerContext) {
  const now = ctx.now();
  const path = pathOf(req);
  const file = path.endsWith("/") ? `${path}index.html` : path;
  // The container's filesystem when the caller can read it, else the image's page.
  const body = file.split("/").includes("..")
    ? null
    : ctx.readFile
      ? await ctx.readFile(`${htdocs}${file}`)
      : file === "/index.html"
        ? httpdWelcome
        : null;
  const response =
    body === null
      ? page(404, "Not Found", now, notFound())
      : page(200, "OK", now, body, [
          ["Last-Modified", httpDate(builtAt)],
          ["ETag", `"${body.length.toString(16)}-42f0a6ba3a880"`],
          ["Accept-Ranges", "bytes"],
        ]);
  const sent = req.method === "HEAD" ? 0 : response.body.length;
  return { response, log: [commonLogLine(ctx, req, response.status, sent)] };
}

/** httpd of the official image, on port 80. */
export const httpd: SimulatedServer = httpServer("httpd", [80], handle, (ctx) => ({
  response: { ...page(400, "Bad Request", ctx.now(), badRequest()), headers: [["Connection", "close"]] },
  log: [`${ctx.clientIP} - - [${ctx.stamp("%d/%b/%Y:%H:%M:%S +0000")}] "-" 400 226`],
}));
