/** Which surface a path belongs to: the Kubernetes API, GraphQL, or the rest (health, metrics, /). */
export type Surface = "kube" | "graphql" | "other";

/** The surface of a request path. */
export function surfaceOf(path: string): Surface {
  if (path.startsWith("/graphql")) return "graphql";
  if (/^\/(sandboxes\/|api\b|apis\b|openapi\b|version\b)/.test(path)) return "kube";
  return "other";
}
