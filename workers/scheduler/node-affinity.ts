import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "../../kube/types/core-v1.ts";

/**
 * Node selection by a pod: spec.nodeSelector (every label must match) and required node
 * affinity (any term matches; within a term every expression does), as
 * component-helpers' nodeaffinity matches them; and the weight of preferred terms a node meets.
 * Nothing here validates a pod's affinity, so a field Go always has may be missing: it reads as
 * Go's zero value.
 */

/** One NodeSelectorRequirement against a value (a label, or a field) that may be absent. */
function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const vs = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && vs.includes(value);
    case "NotIn":
      return value === undefined || !vs.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      const want = vs[0];
      if (
        value === undefined ||
        vs.length !== 1 ||
        want === undefined ||
        !/^-?\d+$/.test(value) ||
        !/^-?\d+$/.test(want)
      )
        return false;
      return req.operator === "Gt" ? Number(value) > Number(want) : Number(value) < Number(want);
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: an empty term matches nothing; matchFields knows metadata.name only. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  const label = (key: string) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  return (
    exprs.every((r) => requirementMatches(r, label(r.key ?? ""))) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.metadata.name))
  );
}

/** Whether the node meets the pod's nodeSelector and required node affinity. */
export function matchesRequired(pod: Pod, node: Node): boolean {
  const spec = pod.spec;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required?.nodeSelectorTerms ?? [];
  return !required || !Object.keys(required).length || terms.some((t) => termMatches(t, node));
}

/** The summed weight of the pod's preferred node-affinity terms the node meets. */
export function preferredWeight(pod: Pod, node: Node): number {
  const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return preferred.reduce((sum, p) => sum + (termMatches(p.preference ?? {}, node) ? (p.weight ?? 0) : 0), 0);
}
