import type { Page } from "../../db/store/reads.ts";
import { badRequest } from "../../kube/errors.ts";
import { parseInt64 } from "../../kube/go/strconv.ts";

/**
 * The largest page served: a larger `limit` (int64 allows 9e18) serves the same as this one, and
 * must not overflow the query's LIMIT.
 */
const maxPage = 1_000_000_000;

/**
 * The page a list asks for: `limit` and `continue`. The continue token is opaque to clients;
 * ours is the last key served, base64url JSON. Pages after the first read current data (the
 * API server would serve them from the first page's revision).
 */
export function pageOf(url: URL): Page {
  const limitParam = url.searchParams.get("limit");
  let limit = 0;
  if (limitParam) {
    // As DecodeParameters reads an int64, its error a 400.
    const parsed = parseInt64(limitParam);
    if (!parsed.ok) throw badRequest(parsed.message);
    if (parsed.value < 0) throw badRequest(`limit: Invalid value: "${limitParam}"`);
    limit = Math.min(parsed.value, maxPage);
  }
  const token = url.searchParams.get("continue");
  const page: Page = limit > 0 ? { limit } : {};
  if (!token) return page;
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof decoded?.ns !== "string" || typeof decoded?.name !== "string") throw new Error("malformed");
    // No key holds a NUL: no token of ours does.
    if (`${decoded.ns}${decoded.name}`.includes("\0")) throw new Error("malformed");
    return { ...page, after: { namespace: decoded.ns, name: decoded.name } };
  } catch {
    throw badRequest("continue key is not valid: the continue token is not recognized");
  }
}

/** The continue token that resumes after a key. */
export function continueToken(next: { namespace: string; name: string }): string {
  return Buffer.from(JSON.stringify({ ns: next.namespace, name: next.name })).toString("base64url");
}
