import { kindByResource } from "../../kube/kinds/index.ts";
import type { Kind } from "../../kube/kinds/kind.ts";

/** A request for a resource: which kind, where, which object and which subresource. */
export interface ResourcePath {
  kind: Kind;
  /** null for cluster-scoped kinds, and for the all-namespaces list of a namespaced kind. */
  namespace: string | null;
  name: string | null;
  subresource: string | null;
}

/** A path under /api or /apis that names a group version but no known resource. */
export interface UnknownResource {
  unknown: true;
  group: string;
  version: string;
  resource: string;
}

/**
 * Parses the segments after /api/v1 or /apis/<group>/<version>, as the API server routes them:
 * `<resource>[/<name>[/<sub>]]` and `namespaces/<ns>/<resource>[/<name>[/<sub>]]`, where
 * `namespaces/<name>/<sub>` is the namespace's own subresource when <sub> is not a resource.
 */
export function parseResourcePath(
  group: string,
  version: string,
  segments: string[],
): ResourcePath | UnknownResource {
  const unknown = (resource: string): UnknownResource => ({ unknown: true, group, version, resource });
  const [first, second, third, fourth, fifth, ...rest] = segments;
  if (!first) return unknown("");
  if (first === "namespaces" && second && third) {
    const kind = kindByResource(group, version, third);
    if (kind?.namespaced) {
      if (rest.length) return unknown(third);
      return { kind, namespace: second, name: fourth ?? null, subresource: fifth ?? null };
    }
    if (group === "" && !fourth) {
      const ns = kindByResource("", "v1", "namespaces");
      if (ns?.subresources.includes(third))
        return { kind: ns, namespace: null, name: second, subresource: third };
    }
    return unknown(third);
  }
  const kind = kindByResource(group, version, first);
  if (!kind || fourth !== undefined) return unknown(first);
  return { kind, namespace: null, name: second ?? null, subresource: third ?? null };
}
