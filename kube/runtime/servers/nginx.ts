import { nginxWelcome } from "../image-files.ts";
import { normalizeImage } from "../image-ref.ts";
import { type HttpRequest, type HttpResponse, header, httpDate } from "./http-message.ts";
import { httpServer, pathOf, requestLine } from "./http-server.ts";
import type { ServerContext, SimulatedServer } from "./types.ts";

/**
 * nginx as the official image runs it: the files of /usr/share/nginx/html on port 80 (the
 * container's own, as exec or a volume left them, when the caller can read its filesystem;
 * else the image's welcome page), nginx's error pages, and
 * per request one access-log line in the image's `main` format on stdout (plus an error-log line
 * for a missing file on stderr, which the container's log shows too).
 */

/** The version `nginx:latest` reports; a tag naming a full version reports that one. */
const latest = "1.27.3";
const htmlRoot = "/usr/share/nginx/html";

/** When the image's html files were written (their Last-Modified and ETag). */
const builtAt = Date.UTC(2024, 10, 26, 15, 55, 0);

/** The nginx version an image reference runs. */
export function nginxVersion(image: string): string {
  const tag = /:([^:@/]+)(?:@|$)/.exec(normalizeImage(image))?.[1] ?? "";
  return /^\d+\.\d+\.\d+$/.exec(tag)?.[0] ?? latest;
}

const reasons: Record<number, string> = {
  200: "OK",
  301: "Moved Permanently",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Not Allowed",
  501: "Not Implemented",
};

function errorPage(status: number, version: string): string {
  const title = `${status} ${reasons[status] ?? ""}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

function respond(
  status: number,
  version: string,
  now: number,
  body: string,
  extra: [string, string][] = [],
): HttpResponse {
  return {
    status,
    reason: status === 405 ? "Not Allowed" : (reasons[status] ?? ""),
    headers: [
      ["Server", `nginx/${version}`],
      ["Date", httpDate(now)],
      ["Content-Type", "text/html"],
      ["Content-Length", String(body.length)],
      ...(status === 200 || status === 301 ? extra : []),
      ["Connection", status >= 400 && status !== 404 && status !== 405 ? "close" : "keep-alive"],
      ...(status === 200 ? ([["Accept-Ranges", "bytes"]] as [string, string][]) : []),
    ],
    body,
  };
}

/** The access-log line of the image's `main` log_format. */
export function nginxAccessLine(ctx: ServerContext, req: HttpRequest, status: number, bytes: number): string {
  const q = (v: string | undefined) => (v === undefined || v === "" ? "-" : v);
  return `${ctx.clientIP} - - [${ctx.stamp("%d/%b/%Y:%H:%M:%S +0000")}] "${requestLine(req)}" ${status} ${bytes} "${q(header(req.headers, "referer"))}" "${q(header(req.headers, "user-agent"))}" "${q(header(req.headers, "x-forwarded-for"))}"`;
}

async function fileOf(ctx: ServerContext, path: string): Promise<string | null> {
  const clean = path.endsWith("/") ? `${path}index.html` : path;
  if (clean.split("/").includes("..")) return null;
  // The container's filesystem when the caller can read it (an edited or mounted page), else
  // the image's page.
  if (ctx.readFile) return ctx.readFile(`${htmlRoot}${clean}`);
  return clean === "/index.html" ? nginxWelcome : null;
}

async function handle(req: HttpRequest, ctx: ServerContext) {
  const version = nginxVersion(ctx.container.image);
  const now = ctx.now();
  const path = pathOf(req);
  let response: HttpResponse;
  const log: string[] = [];
  if (!["GET", "HEAD", "POST"].includes(req.method)) {
    response = respond(405, version, now, errorPage(405, version));
  } else {
    const decoded = decodeURIComponentSafe(path);
    const body = await fileOf(ctx, decoded);
    // A directory asked for without its slash is redirected to it (absolute, to the Host asked,
    // port 80 left out), as nginx's static module does; one with an index page is seen by it.
    const directory = body === null && !decoded.endsWith("/") && (await fileOf(ctx, `${decoded}/`)) !== null;
    if (directory) {
      const host = (header(req.headers, "host") ?? "localhost").replace(/:\d+$/, "");
      response = respond(301, version, now, errorPage(301, version), [
        ["Location", `http://${host}${path}/`],
      ]);
    } else if (body === null) {
      response = respond(404, version, now, errorPage(404, version));
      const host = header(req.headers, "host");
      log.push(
        `${ctx.stamp("%Y/%m/%d %H:%M:%S")} [error] 29#29: *${(now % 997) + 1} open() "${htmlRoot}${path}" failed (2: No such file or directory), client: ${ctx.clientIP}, server: localhost, request: "${requestLine(req)}"${host ? `, host: "${host}"` : ""}`,
      );
    } else if (req.method === "POST") {
      response = respond(405, version, now, errorPage(405, version));
    } else {
      const modified = Math.floor(builtAt / 1000);
      response = respond(200, version, now, body, [
        ["Last-Modified", httpDate(builtAt)],
        ["ETag", `"${modified.toString(16)}-${body.length.toString(16)}"`],
      ]);
    }
  }
  const sent = req.method === "HEAD" ? 0 : response.body.length;
  return { response, log: [...log, nginxAccessLine(ctx, req, response.status, sent)] };
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** nginx of the official image, on port 80. */
export const nginx: SimulatedServer = httpServer("nginx", [80], handle, (ctx) => {
  const version = nginxVersion(ctx.container.image);
  const now = ctx.now();
  const response = respond(400, version, now, errorPage(400, version));
  return {
    response,
    log: [
      `${ctx.clientIP} - - [${ctx.stamp("%d/%b/%Y:%H:%M:%S +0000")}] "-" 400 ${response.body.length} "-" "-" "-"`,
    ],
  };
});
