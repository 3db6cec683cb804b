import type { RequestAttributes } from "../../accounts/permissions.ts";
import { queryBool } from "./negotiate.ts";
import type { ResourcePath } from "./resource-path.ts";

/**
 * The authorizer's view of a resource request, as the API server's RequestInfoResolver derives
 * it: the verb from the method (a GET of a collection is list, or watch with `?watch`; a DELETE
 * of one is deletecollection), and the resource, subresource, namespace and name from the path.
 */
export function resourceAttributes(req: Request, url: URL, path: ResourcePath): RequestAttributes {
  const method = req.method.toUpperCase();
  const collection = path.name === null;
  const verb =
    method === "GET" || method === "HEAD"
      ? queryBool(url, "watch")
        ? "watch"
        : collection
          ? "list"
          : "get"
      : method === "POST"
        ? "create"
        : method === "PUT"
          ? "update"
          : method === "PATCH"
            ? "patch"
            : method === "DELETE"
              ? collection
                ? "deletecollection"
                : "delete"
              : method.toLowerCase();
  const namespaced = path.kind.namespaced;
  return {
    verb,
    group: path.kind.group,
    resource: path.kind.resource,
    subresource: path.subresource ?? "",
    // A namespace's own path names it as the object, not as the namespace it is in.
    namespace: namespaced ? (path.namespace ?? "") : "",
    name: path.name ?? "",
  };
}
