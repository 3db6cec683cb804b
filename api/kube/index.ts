import { Hono } from "hono";
import { authorizeSandbox } from "../../accounts/access.ts";
import { userInfoOf } from "../../accounts/identity.ts";
import { permissionsOf } from "../../accounts/permissions.ts";
import { sandboxAudience, userAudience, verifyToken } from "../../auth/tokens.ts";
import type { Database } from "../../db/connection.ts";
import type { Feed } from "../../db/feed.ts";
import { badRequest, forbidden, StatusError, unauthorized } from "../../kube/errors.ts";
import type { PortForwardTarget } from "../../kube/network/port-forward.ts";
import { reviewResources } from "../../kube/reviews/resources.ts";
import { rulesAllow } from "../../kube/reviews/rules.ts";
import { authorizeResource } from "./authorize.ts";
import { maxBodyBytes } from "./body.ts";
import type { KubeRequestContext } from "./context.ts";
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  servesGroupVersion,
  versionInfo,
} from "./discovery.ts";
import { queryBool } from "./negotiate.ts";
import { openapiV2, openapiV3Document, openapiV3Index } from "./openapi.ts";
import { type PodStreamDeps, portForwardStream, remoteCommandStream } from "./pod-streams.ts";
import { isPortForwardPath, preparePortForward } from "./port-forward.ts";
import { handleProxy, isProxyRequest } from "./proxy.ts";
import { type ContainerExited, prepareRemoteCommand, type RemoteCommand } from "./remote-command.ts";
import { parseResourcePath, type ResourcePath } from "./resource-path.ts";
import { handleResource } from "./resources.ts";
import { json, statusResponse } from "./response.ts";
import { handleReview } from "./reviews.ts";
import { TokenBudget } from "./token-budget.ts";
import { TokenBytes } from "./token-bytes.ts";
import { TokenSlots } from "./token-slots.ts";

/** What the Kubernetes API needs from the service. */
export interface KubeApiDeps {
  database: Database;
  feed: Feed;
  signingKey: Uint8Array;
  /** How a pod's streams are upgraded in the fetch handler (pod-streams.ts); without it, they are not. */
  streams?: PodStreamDeps;
}

/** The API server's answer to a path it does not serve. */
function pathNotFound(): StatusError {
  return new StatusError(404, "NotFound", "the server could not find the requested resource", {});
}

function bearer(req: Request): string | null {
  const h = req.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m?.[1]?.trim() || null;
}

/** Paths anyone may read, as the API server's system:public-info-viewer role allows. */
const publicPaths = new Set(["/version", "/healthz", "/readyz", "/livez"]);

/** The path after a prefix, percent-decoded, without a trailing slash; 400 when malformed. */
function restOf(pathname: string, prefix: string): string {
  try {
    return decodeURIComponent(pathname.slice(prefix.length)).replace(/\/+$/, "");
  } catch {
    throw badRequest(`malformed path: ${pathname}`);
  }
}

/**
 * The Kubernetes REST API of every sandbox, under /sandboxes/<id>: version, discovery, OpenAPI
 * and the resources. The same API answers at the root for a sandbox token, which names its
 * sandbox, so that `kubectl proxy` (which drops the server's path) works. Every request but the
 * public ones is authorized against its sandbox.
 */
export function kubeApi(deps: KubeApiDeps): Hono {
  const app = new Hono();
  // The tenant limits come with the database: the store and registry check theirs from there too.
  const limits = deps.database.limits;
  const requests = new TokenSlots(limits.requestsPerToken);
  const requestRate = new TokenBudget(
    limits.requestsPerTokenPerSecond,
    Math.max(300, 3 * limits.requestsPerTokenPerSecond),
  );
  const watches = new TokenSlots(limits.watchesPerToken);
  // A second's worth at once, and at least two bodies at the limit.
  const bodies = new TokenBytes(
    limits.bodyBytesPerTokenPerSecond,
    Math.max(2 * maxBodyBytes, limits.bodyBytesPerTokenPerSecond),
  );
  // Without a way to accept a WebSocket no session runs, so no container can end by one.
  const execGate = remoteCommandGate(deps, deps.streams?.containerExited ?? (() => Promise.resolve()));
  const forwardGate = portForwardGate(deps);
  const accept = deps.streams?.accept;
  /** A pod's stream (exec, attach, port-forward), or null for any other path. */
  const podStream = (req: Request, pathname: string) =>
    isRemoteCommandPath(pathname)
      ? remoteCommandStream(execGate, accept, req)
      : isPortForwardPath(pathname)
        ? portForwardStream(forwardGate, accept, req)
        : null;
  const serve = async (req: Request, sandboxId: string | null, rest: string) => {
    const url = new URL(req.url);
    let release = () => {};
    try {
      if (publicPaths.has(rest)) return rest === "/version" ? json(versionInfo) : new Response("ok");
      const ctx = await requestContext(deps, req, sandboxId, watches);
      const caller = ctx.caller;
      requestRate.spend(caller.tokenId, 1);
      // A watch holds a watch slot instead, for as long as it is open (watch.ts).
      if (!isWatch(req, url)) release = requests.take(caller.tokenId);
      bodies.meter(req, caller.tokenId);
      return await route(ctx, req, url, rest);
    } catch (err) {
      // A 429 is answered after its Retry-After by the flow control (api/flow-control/).
      return statusResponse(err, { sandbox: sandboxId, method: req.method, path: rest });
    } finally {
      release();
    }
  };
  app.all("/sandboxes/:sandbox/*", (c) => {
    // Sandbox ids are UUIDs, written lower-case: /sandboxes/ABC… is the same sandbox as abc….
    const given = c.req.param("sandbox");
    const sandboxId = given.toLowerCase();
    const pathname = new URL(c.req.url).pathname;
    const stream = podStream(c.req.raw, pathname);
    if (stream) return stream;
    try {
      return serve(c.req.raw, sandboxId, restOf(pathname, `/sandboxes/${given}`));
    } catch (err) {
      return statusResponse(err);
    }
  });
  for (const root of ["/version", "/api", "/api/*", "/apis", "/apis/*", "/openapi/*", "/swagger-2.0.0.pb-v1"])
    app.all(root, (c) => {
      const pathname = new URL(c.req.url).pathname;
      const stream = podStream(c.req.raw, pathname);
      if (stream) return stream;
      try {
        return serve(c.req.raw, null, restOf(pathname, ""));
      } catch (err) {
        return statusResponse(err);
      }
    });
  return app;
}

/** The context of an authenticated request to a sandbox (401/403 when the token may not use it). */
async function requestContext(
  deps: KubeApiDeps,
  req: Request,
  sandboxId: string | null,
  watches: TokenSlots,
): Promise<KubeRequestContext> {
  const token = bearer(req);
  const id = sandboxId ?? (await sandboxOfToken(deps.signingKey, token));
  const caller = await authorizeSandbox(deps.database, deps.signingKey, token, id);
  return {
    database: deps.database,
    feed: deps.feed,
    sandboxId: id,
    caller,
    signingKey: deps.signingKey,
    limits: deps.database.limits,
    watches,
    stillAllowed: () =>
      authorizeSandbox(deps.database, deps.signingKey, token, id, { fresh: true }).then(
        () => true,
        () => false,
      ),
  };
}

/** Whether a path is a pod's exec or attach (the streams the remote-command handler takes). */
export function isRemoteCommandPath(pathname: string): boolean {
  return /^(\/sandboxes\/[^/]+)?\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/(exec|attach)\/?$/.test(pathname);
}

/**
 * The gate of a pod's streams (`kubectl exec`, `attach`, `port-forward`): authenticates and
 * authorizes the upgrade request as any other request (`create` on the pod's subresource; a
 * read-only token may not), then `prepare` checks it and makes what runs once the connection is
 * up — or the Status response to send instead. One gate for every stream, so one path decides
 * who may open one.
 */
function podStreamGate<T>(
  deps: KubeApiDeps,
  subresources: string[],
  prepare: (ctx: KubeRequestContext, url: URL, path: ResourcePath) => Promise<T>,
): (req: Request) => Promise<T | Response> {
  const watches = new TokenSlots(deps.database.limits.watchesPerToken);
  return async (req) => {
    const url = new URL(req.url);
    const m = /^(?:\/sandboxes\/([^/]+))?(\/api\/v1\/.*)$/.exec(url.pathname);
    try {
      if (!m) throw pathNotFound();
      const ctx = await requestContext(deps, req, m[1] ? m[1].toLowerCase() : null, watches);
      const parsed = parseResourcePath(
        "",
        "v1",
        restOf(m[2] as string, "/api/v1")
          .split("/")
          .filter(Boolean),
      );
      if (
        "unknown" in parsed ||
        parsed.kind.resource !== "pods" ||
        !parsed.name ||
        !subresources.includes(parsed.subresource ?? "")
      )
        throw pathNotFound();
      await authorizeResource(ctx, {
        verb: "create",
        group: "",
        version: "v1",
        resource: "pods",
        subresource: parsed.subresource ?? "",
        ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
        name: parsed.name,
      });
      return await prepare(ctx, url, parsed);
    } catch (err) {
      await tarpit(err);
      return statusResponse(err, { sandbox: m?.[1] ?? null, method: req.method, path: url.pathname });
    }
  };
}

/** The gate of `kubectl exec` and `attach`: the session to run, or the Status to answer. */
export function remoteCommandGate(
  deps: KubeApiDeps,
  containerExited: ContainerExited,
): (req: Request) => Promise<RemoteCommand | Response> {
  return podStreamGate(deps, ["exec", "attach"], (ctx, url, path) =>
    prepareRemoteCommand(ctx, url, path, containerExited),
  );
}

/** The gate of `kubectl port-forward`: where to forward, or the Status to answer. */
export function portForwardGate(deps: KubeApiDeps): (req: Request) => Promise<PortForwardTarget | Response> {
  return podStreamGate(deps, ["portforward"], (ctx, _url, path) => preparePortForward(ctx, path));
}

/** The sandbox a sandbox token is for (root paths); a login token names none, so 401 there. */
export async function sandboxOfToken(signingKey: Uint8Array, token: string | null): Promise<string> {
  if (!token) throw unauthorized();
  const claims = await verifyToken(signingKey, token, [sandboxAudience, userAudience]);
  if (!claims) throw unauthorized();
  if (!claims.sandboxId)
    throw forbidden(
      "a login token names no sandbox: use the sandbox's URL, /sandboxes/<id>/..., or its kubeconfig token",
    );
  return claims.sandboxId;
}

/**
 * A pod stream's client told to wait (429) hears so only after the wait, as the flow control
 * (api/flow-control/) answers every other request: one that retries at once then costs a
 * refusal a second per connection rather than as many as it can send.
 */
async function tarpit(err: unknown): Promise<void> {
  const seconds = err instanceof StatusError && err.code === 429 ? err.details?.retryAfterSeconds : undefined;
  if (seconds) await new Promise((done) => setTimeout(done, Math.min(seconds, 1) * 1000));
}

/** Whether a request is a watch (`?watch=1` on a GET), which holds a watch slot, not a request slot. */
function isWatch(req: Request, url: URL): boolean {
  return req.method === "GET" && queryBool(url, "watch");
}

async function route(ctx: KubeRequestContext, req: Request, url: URL, rest: string): Promise<Response> {
  const segments = rest.split("/").filter(Boolean);
  const [top, ...more] = segments;
  if (top === "api") {
    if (more.length === 0) return json(apiVersions());
    const [version, ...resource] = more;
    if (!servesGroupVersion("", version ?? "")) return noHandler();
    if (resource.length === 0) return discoveryOr404(apiResourceList("", version ?? ""));
    return resourceRequest(ctx, req, url, "", version ?? "", resource);
  }
  if (top === "apis") {
    if (more.length === 0) return json(apiGroupList());
    const [group, version, ...resource] = more;
    if (!version) return apiGroup(group ?? "") ? json(apiGroup(group ?? "")) : noHandler();
    if (!servesGroupVersion(group ?? "", version)) return noHandler();
    if (resource.length === 0) return discoveryOr404(apiResourceList(group ?? "", version));
    return resourceRequest(ctx, req, url, group ?? "", version, resource);
  }
  if (top === "openapi") {
    if (!rulesAllow(permissionsOf(ctx.caller), { nonResource: { verb: "get", path: rest } })) {
      const { username = "" } = await userInfoOf(ctx.database, ctx.caller);
      throw forbidden(`forbidden: User "${username}" cannot get path "${rest}"`);
    }
    if (rest === "/openapi/v3") return json(await openapiV3Index());
    if (rest === "/openapi/v2") return openapiV2(req);
    const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/(.+\/.+))$/.exec(rest);
    const doc = m ? await openapiV3Document(m[1] ?? m[2] ?? "", url) : null;
    if (!doc) throw pathNotFound();
    return doc;
  }
  if (rest === "/swagger-2.0.0.pb-v1") return openapiV2(req);
  throw pathNotFound();
}

/**
 * What the API server answers for a path no handler serves (a group version it does not serve,
 * such as autoscaling here): Go's http.NotFound, a text body, which kubectl reports as "the
 * server could not find the requested resource (post horizontalpodautoscalers.autoscaling)".
 */
function noHandler(): Response {
  return new Response("404 page not found\n", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}

function discoveryOr404(body: Record<string, unknown> | null): Response {
  if (!body) throw pathNotFound();
  return json(body);
}

async function resourceRequest(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  group: string,
  version: string,
  segments: string[],
): Promise<Response> {
  const review = segments.length === 1 ? reviewKind(group, version, segments[0] ?? "") : undefined;
  if (review) return handleReview(ctx, req, url, review);
  if (segments[0] === "watch") return legacyWatch(ctx, req, url, group, version, segments.slice(1));
  if (group === "" && isProxyRequest(segments)) return handleProxy(ctx, req, url);
  const parsed = parseResourcePath(group, version, segments);
  if ("unknown" in parsed) throw pathNotFound();
  return handleResource(ctx, req, url, parsed);
}

/**
 * The deprecated `/watch/` paths (`/api/v1/watch/namespaces/<ns>/configmaps[/<name>]`), which
 * the API server still serves and older clients (Ruby's kubeclient) use: a watch of the list,
 * narrowed to the one object when a name is given.
 */
function legacyWatch(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  group: string,
  version: string,
  segments: string[],
): Promise<Response> {
  const parsed = parseResourcePath(group, version, segments);
  if ("unknown" in parsed || parsed.subresource !== null || req.method.toUpperCase() !== "GET")
    throw pathNotFound();
  const watchUrl = new URL(url);
  watchUrl.searchParams.set("watch", "true");
  if (parsed.name !== null) {
    const selector = watchUrl.searchParams.get("fieldSelector");
    const byName = `metadata.name=${parsed.name}`;
    watchUrl.searchParams.set("fieldSelector", selector ? `${selector},${byName}` : byName);
  }
  return handleResource(ctx, req, watchUrl, { ...parsed, name: null });
}

/** The review resource (SelfSubjectAccessReview, …) a path names, if any. */
function reviewKind(group: string, version: string, resource: string) {
  return reviewResources.find((r) => r.group === group && r.version === version && r.resource === resource);
}
