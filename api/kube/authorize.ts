import { userInfoOf } from "../../accounts/identity.ts";
import { permissionsOf } from "../../accounts/permissions.ts";
import { forbiddenByRbac, rulesAllow } from "../../kube/reviews/rules.ts";
import type { ResourceAttributes } from "../../kube/types/authorization-v1.ts";
import type { KubeRequestContext } from "./context.ts";
import { queryBool } from "./negotiate.ts";

/** Subresources that start a stream: RBAC asks for `create` on them whatever the method. */
const streamSubresources = new Set(["exec", "attach", "portforward"]);

/**
 * The verb of a resource request, as the API server's RequestInfo names it: list or watch on a
 * collection, deletecollection, create for a POST (and for a stream's upgrade).
 */
export function verbOf(method: string, url: URL, name: string | null, subresource: string | null): string {
  if (subresource && streamSubresources.has(subresource)) return "create";
  switch (method.toUpperCase()) {
    case "GET":
    case "HEAD":
      if (name === null) return queryBool(url, "watch") ? "watch" : "list";
      return "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return name === null ? "deletecollection" : "delete";
    default:
      return method.toLowerCase();
  }
}

/**
 * Checks a resource request against what the caller's token may do (accounts/permissions.ts,
 * the one place that says it): a 403 Forbidden with the message the API server's authorization
 * filter writes when RBAC denies.
 */
export async function authorizeResource(ctx: KubeRequestContext, a: ResourceAttributes): Promise<void> {
  if (rulesAllow(permissionsOf(ctx.caller), { resource: a })) return;
  const { username = "" } = await userInfoOf(ctx.database, ctx.caller);
  throw forbiddenByRbac(username, a);
}
