import type { MiddlewareHandler } from "hono";

/**
 * CORS for an allowlist of origins: a browser page from one of them may call the API with a
 * bearer token (no cookies: credentials are not allowed), and its preflight is answered here; any
 * other origin gets no CORS headers at all, so the browser keeps the response from it. Nothing is
 * reflected from the request but an origin the list names.
 */
export function corsAllowlist(allowed: readonly string[]): MiddlewareHandler {
  const origins = new Set(allowed);
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (!origin || !origins.has(origin)) return next();
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
          "access-control-allow-headers": "authorization, content-type, accept",
          "access-control-max-age": "600",
          vary: "Origin",
        },
      });
    }
    await next();
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.append("vary", "Origin");
  };
}

/** The origins of ALLOWED_ORIGINS ("a,b"), trailing slashes dropped, as browsers send them. */
export function parseOrigins(setting: string): string[] {
  return setting
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}
