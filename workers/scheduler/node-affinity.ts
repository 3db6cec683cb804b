import type { KubeObject } from "../../kube/object.ts";
import { type Json, list, record, records, text } from "../../kube/validation/json.ts";

/**
 * Node selection by a pod: spec.nodeSelector (every label must match) and required node
 * affinity (any term matches; within a term every expression does), as
 * component-helpers' nodeaffinity matches them; and the weight of preferred terms a node meets.
 */

function values(req: Json): string[] {
  return list(req.values).filter((v): v is string => typeof v === "string");
}

/** One NodeSelectorRequirement against a value (a label, or a field) that may be absent. */
function requirementMatches(req: Json, value: string | undefined): boolean {
  const vs = values(req);
  switch (text(req.operator)) {
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
      if (
        value === undefined ||
        vs.length !== 1 ||
        !/^-?\d+$/.test(value) ||
        !/^-?\d+$/.test(vs[0] as string)
      )
        return false;
      const [have, want] = [Number(value), Number(vs[0])];
      return text(req.operator) === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: an empty term matches nothing; matchFields knows metadata.name only. */
export function termMatches(term: Json, node: KubeObject): boolean {
  const exprs = records(term.matchExpressions);
  const fields = records(term.matchFields);
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  const label = (key: string) => (Object.hasOwn(labels, key) ? labels[key] : undefined);
  return (
    exprs.every((r) => requirementMatches(r, label(text(r.key)))) &&
    fields.every((r) => text(r.key) === "metadata.name" && requirementMatches(r, node.metadata.name))
  );
}

/** Whether the node meets the pod's nodeSelector and required node affinity. */
export function matchesRequired(pod: KubeObject, node: KubeObject): boolean {
  const spec = record(pod.spec);
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(record(spec.nodeSelector))) if (labels[k] !== v) return false;
  const required = record(
    record(record(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution,
  );
  const terms = records(required.nodeSelectorTerms);
  return !Object.keys(required).length || terms.some((t) => termMatches(t, node));
}

/** The summed weight of the pod's preferred node-affinity terms the node meets. */
export function preferredWeight(pod: KubeObject, node: KubeObject): number {
  const preferred = records(
    record(record(record(pod.spec).affinity).nodeAffinity).preferredDuringSchedulingIgnoredDuringExecution,
  );
  return preferred.reduce(
    (sum, p) => sum + (termMatches(record(p.preference), node) ? Number(p.weight ?? 0) : 0),
    0,
  );
}
