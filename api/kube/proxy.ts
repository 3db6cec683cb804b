import { readNetworkWorld } from "../../db/pods/network-read.ts";
import { StatusError } from "../../kube/errors.ts";
import { steppingClock } from "../../kube/network/context.ts";
import { connect } from "../../kube/network/conversation.ts";
import { requestOver } from "../../kube/network/http-client.ts";
import {
  type ProxyLocation,
  podProxyLocation,
  serviceProxyLocation,
} from "../../kube/network/proxy-location.ts";
import type { HttpResponse } from "../../kube/runtime/servers/http-message.ts";
import { sandboxBalancer, sandboxNetwork } from "../../registry/network.ts";
import { authorizeResource, verbOf } from "./authorize.ts";
import { appendContainerLog } from "./container-log.ts";
import type { KubeRequestContext } from "./context.ts";

/**
 * The proxy subresource of services and pods (`/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/...`,
 * `.../pods/NAME[:PORT]/proxy/...`): the request goes, from the control plane's address, to a
 * ready endpoint of the service (or to the pod), and what the image answers comes back as is;
 * `kubectl proxy` and `kubectl get --raw` use it. Errors are the API server's.
 */

const proxyPath = /\/api\/v1\/namespaces\/([^/]+)\/(services|pods)\/([^/]+)\/proxy(\/.*)?$/;

/** Whether a path (segments after /api/v1) names a proxy subresource with a path after it. */
export function isProxyRequest(segments: string[]): boolean {
  return (
    segments.length >= 5 &&
    segments[0] === "namespaces" &&
    (segments[2] === "services" || segments[2] === "pods") &&
    segments[4] === "proxy"
  );
}

/** Headers that belong to one connection, not to the message (RFC 9110 7.6.1), and the caller's credentials. */
const dropped = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "authorization",
  "host",
  "content-length",
]);

function reachError(loc: ProxyLocation, reason: string): StatusError {
  return new StatusError(
    503,
    "ServiceUnavailable",
    `error trying to reach service: dial tcp ${loc.ip}:${loc.port}: ${reason}`,
  );
}

function latin1(bytes: ArrayBuffer): string {
  return Buffer.from(bytes).toString("latin1");
}

function toResponse(res: HttpResponse): Response {
  const headers = new Headers();
  for (const [name, value] of res.headers) if (!dropped.has(name.toLowerCase())) headers.append(name, value);
  const noBody = res.status === 204 || res.status === 304;
  return new Response(noBody ? null : Buffer.from(res.body, "latin1"), { status: res.status, headers });
}

/** Serves a proxy request (see the top of this file). */
export async function handleProxy(ctx: KubeRequestContext, req: Request, url: URL): Promise<Response> {
  const m = proxyPath.exec(url.pathname);
  if (!m) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  const namespace = decodeURIComponent(m[1] ?? "");
  const resource = m[2] as "services" | "pods";
  const id = decodeURIComponent(m[3] ?? "");
  await authorizeResource(ctx, {
    verb: verbOf(req.method, url, id, "proxy"),
    namespace,
    group: "",
    version: "v1",
    resource,
    subresource: "proxy",
    name: id,
  });
  const world = await readNetworkWorld(ctx.database, ctx.sandboxId);
  const loc =
    resource === "services"
      ? await serviceProxyLocation(world, namespace, id, (key, n) =>
          sandboxBalancer(ctx.database, ctx.sandboxId).pick(key, n),
        )
      : podProxyLocation(world, namespace, id);
  const path = m[4];
  if (path === undefined)
    return new Response(null, { status: 301, headers: { location: `${url.pathname}/${url.search}` } });
  const net = sandboxNetwork(ctx.database, ctx.sandboxId, world, {
    self: null,
    clock: steppingClock(Date.now()),
    appendLog: (target, lines, at) => appendContainerLog(ctx, target, lines, at),
  });
  const open = await connect(net, loc.ip, loc.port);
  if (open.kind === "refused") throw reachError(loc, "connect: connection refused");
  if (open.kind === "unreachable") throw reachError(loc, "i/o timeout");
  if (loc.scheme === "https")
    throw new StatusError(
      503,
      "ServiceUnavailable",
      "error trying to reach service: tls: first record does not look like a TLS handshake",
    );
  const headers: [string, string][] = [["Host", `${loc.ip}:${loc.port}`]];
  req.headers.forEach((value, name) => {
    if (!dropped.has(name))
      headers.push([name.replace(/(^|-)([a-z])/g, (_s, d: string, c: string) => d + c.toUpperCase()), value]);
  });
  const forwarded = req.headers.get("x-forwarded-for");
  if (!forwarded) headers.push(["X-Forwarded-For", "127.0.0.1"]);
  const body = req.method === "GET" || req.method === "HEAD" ? "" : latin1(await req.arrayBuffer());
  if (body) headers.push(["Content-Length", String(body.length)]);
  const answer = await requestOver(open, {
    method: req.method,
    target: `${path}${url.search}`,
    version: "HTTP/1.1",
    headers,
    body,
  });
  if (answer.kind === "empty")
    throw new StatusError(503, "ServiceUnavailable", "error trying to reach service: EOF");
  if (answer.kind === "not-http")
    throw new StatusError(
      503,
      "ServiceUnavailable",
      `error trying to reach service: net/http: HTTP/1.x transport connection broken: malformed HTTP response ${JSON.stringify(answer.received.slice(0, 40))}`,
    );
  return toResponse(answer.response);
}
