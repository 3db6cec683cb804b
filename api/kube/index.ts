import { Hono } from "hono";
import { authorizeSandbox } from "../../accounts/access.ts";
import type { Database } from "../../db/connection.ts";
import type { ChangeFeed } from "../../db/feed.ts";
import { StatusError } from "../../kube/errors.ts";
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from "./discovery.ts";
import { openapiV2, openapiV3Document, openapiV3Index } from "./openapi.ts";
import { parseResourcePath } from "./path.ts";
import { handleResource } from "./resources.ts";
import { json, statusResponse } from "./status.ts";

/** What the Kubernetes API needs from the service. */
export interface KubeApiDeps {
  database: Database;
  feed: ChangeFeed;
  signingKey: Uint8Array;
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

/**
 * The Kubernetes REST API of every sandbox, under /sandboxes/<id>: version, discovery, OpenAPI
 * and the resources. Every request but the public ones is authorized against its sandbox.
 */
export function kubeApi(deps: KubeApiDeps): Hono {
  const app = new Hono();
  app.all("/sandboxes/:sandbox/*", async (c) => {
    const sandboxId = c.req.param("sandbox");
    const url = new URL(c.req.url);
    const prefix = `/sandboxes/${sandboxId}`;
    const rest = decodeURIComponent(url.pathname.slice(url.pathname.indexOf(prefix) + prefix.length)).replace(
      /\/+$/,
      "",
    );
    try {
      if (publicPaths.has(rest)) return rest === "/version" ? json(versionInfo) : new Response("ok");
      await authorizeSandbox(deps.database, deps.signingKey, bearer(c.req.raw), sandboxId);
      return await route({ ...deps, sandboxId }, c.req.raw, url, rest);
    } catch (err) {
      return statusResponse(err, { sandbox: sandboxId, method: c.req.method, path: rest });
    }
  });
  return app;
}

async function route(
  ctx: KubeApiDeps & { sandboxId: string },
  req: Request,
  url: URL,
  rest: string,
): Promise<Response> {
  const segments = rest.split("/").filter(Boolean);
  const [top, ...more] = segments;
  if (top === "api") {
    if (more.length === 0) return json(apiVersions());
    const [version, ...resource] = more;
    if (resource.length === 0) return discoveryOr404(apiResourceList("", version ?? ""));
    return resourceRequest(ctx, req, url, "", version ?? "", resource);
  }
  if (top === "apis") {
    if (more.length === 0) return json(apiGroupList());
    const [group, version, ...resource] = more;
    if (!version) return discoveryOr404(apiGroup(group ?? ""));
    if (resource.length === 0) return discoveryOr404(apiResourceList(group ?? "", version));
    return resourceRequest(ctx, req, url, group ?? "", version, resource);
  }
  if (top === "openapi") {
    if (rest === "/openapi/v3") return json(openapiV3Index());
    if (rest === "/openapi/v2") {
      const accept = req.headers.get("accept") ?? "";
      if (accept.includes("protobuf") && !accept.includes("json")) throw pathNotFound();
      return json(openapiV2());
    }
    const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/(.+\/.+))$/.exec(rest);
    const doc = m ? openapiV3Document(m[1] ?? m[2] ?? "") : null;
    return discoveryOr404(doc);
  }
  throw pathNotFound();
}

function discoveryOr404(body: Record<string, unknown> | null): Response {
  if (!body) throw pathNotFound();
  return json(body);
}

async function resourceRequest(
  ctx: KubeApiDeps & { sandboxId: string },
  req: Request,
  url: URL,
  group: string,
  version: string,
  segments: string[],
): Promise<Response> {
  const parsed = parseResourcePath(group, version, segments);
  if ("unknown" in parsed) throw pathNotFound();
  return handleResource(ctx, req, url, parsed);
}
