import type { Page } from "../../db/store/reads.ts";
import { badRequest } from "../../kube/errors.ts";

/**
 * The page a list asks for: `limit` and `continue`. The continue token is opaque to clients;
 * ours is the last key served, base64url JSON. Pages after the first read current data (the
 * API server would serve them from the first page's revision).
 */
export function pageOf(url: URL): Page {
  const limitParam = url.searchParams.get("limit");
  const limit = limitParam ? Number(limitParam) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitParam}"`);
  const token = url.searchParams.get("continue");
  const page: Page = limit > 0 ? { limit } : {};
  if (!token) return page;
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof decoded?.ns !== "string" || typeof decoded?.name !== "string") throw new Error("malformed");
    return { ...page, after: { namespace: decoded.ns, name: decoded.name } };
  } catch {
    throw badRequest("continue key is not valid: the continue token is not recognized");
  }
}

/** The continue token that resumes after a key. */
export function continueToken(next: { namespace: string; name: string }): string {
  return Buffer.from(JSON.stringify({ ns: next.namespace, name: next.name })).toString("base64url");
}
