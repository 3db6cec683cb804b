import type { Context } from "hono";
import { readCappedBody } from "../request-body.ts";

/** Content types a GraphQL POST may have: JSON only. */
const postTypes = new Set(["application/json", "application/graphql-response+json"]);

function refusal(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/**
 * What stands before GraphQL on /graphql: a POST must be JSON — the types an HTML form can send
 * (urlencoded, multipart, text/plain) would let another site's page run a mutation with the
 * visitor's cookies or basic credentials, so they are refused without being read — and no body
 * or query string may pass `maxBytes` (413). What passes goes to `serve` unchanged.
 */
export function guardedGraphQL(maxBytes: number, serve: (req: Request) => Promise<Response> | Response) {
  return async (c: Context): Promise<Response> => {
    const req = c.req.raw;
    const url = new URL(req.url);
    if (url.search.length > maxBytes)
      return refusal(413, "PAYLOAD_TOO_LARGE", `the query string is larger than ${maxBytes} bytes`);
    if (req.method !== "POST") return serve(req);
    const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!postTypes.has(type))
      return refusal(415, "UNSUPPORTED_MEDIA_TYPE", "a GraphQL POST must be sent as application/json");
    const body = await readCappedBody(req, maxBytes);
    if (!body) return refusal(413, "PAYLOAD_TOO_LARGE", `the request body is larger than ${maxBytes} bytes`);
    return serve(
      new Request(req.url, {
        method: "POST",
        headers: req.headers,
        body: new Uint8Array(body),
        signal: req.signal,
      }),
    );
  };
}
