import type { KubeObject } from "../../object.ts";
import { record } from "../../validation/json.ts";
import { podContainers } from "../pod/resources.ts";

/**
 * Quota scopes (spec.scopes and spec.scopeSelector): which pods a quota counts. Scopes speak only
 * of pods, so a scoped quota counts nothing else.
 */

interface ScopeSelector {
  scopeName: string;
  operator: string;
  values: string[];
}

/** getScopeSelectorsFromQuota: each scope as "Exists", then the selector's expressions. */
function selectorsOf(quota: KubeObject): ScopeSelector[] {
  const spec = record(quota.spec);
  const scopes = Array.isArray(spec.scopes) ? spec.scopes : [];
  const exprs = record(spec.scopeSelector).matchExpressions;
  return [
    ...scopes.map((s) => ({ scopeName: String(s), operator: "Exists", values: [] })),
    ...(Array.isArray(exprs) ? exprs : []).map((raw) => {
      const e = record(raw);
      return {
        scopeName: String(e.scopeName ?? ""),
        operator: String(e.operator ?? ""),
        values: Array.isArray(e.values) ? e.values.map(String) : [],
      };
    }),
  ];
}

/** QoS BestEffort: no container states a cpu or memory request or limit. */
function isBestEffort(pod: KubeObject): boolean {
  const { containers, initContainers } = podContainers(pod);
  return [...containers, ...initContainers].every((c) =>
    ["cpu", "memory"].every((name) => !c.requests.has(name) && !c.limits.has(name)),
  );
}

function crossNamespaceAffinity(pod: KubeObject): boolean {
  const affinity = record(record(pod.spec).affinity);
  return [affinity.podAffinity, affinity.podAntiAffinity].some((a) => {
    const terms = [
      ...(Array.isArray(record(a).requiredDuringSchedulingIgnoredDuringExecution)
        ? (record(a).requiredDuringSchedulingIgnoredDuringExecution as unknown[])
        : []),
      ...(Array.isArray(record(a).preferredDuringSchedulingIgnoredDuringExecution)
        ? (record(a).preferredDuringSchedulingIgnoredDuringExecution as unknown[]).map(
            (w) => record(w).podAffinityTerm,
          )
        : []),
    ];
    return terms.some((t) => {
      const term = record(t);
      return (Array.isArray(term.namespaces) && term.namespaces.length > 0) || term.namespaceSelector != null;
    });
  });
}

function priorityClassMatches(pod: KubeObject, s: ScopeSelector): boolean {
  const name = record(pod.spec).priorityClassName;
  const has = typeof name === "string" && name !== "";
  switch (s.operator) {
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "In":
      return has && s.values.includes(name as string);
    case "NotIn":
      return !has || !s.values.includes(name as string);
    default:
      return false;
  }
}

/** podMatchesScopeFunc for one selector. */
function podMatches(pod: KubeObject, s: ScopeSelector): boolean {
  const deadline = record(pod.spec).activeDeadlineSeconds;
  const terminating = typeof deadline === "number" && deadline >= 0;
  switch (s.scopeName) {
    case "Terminating":
      return terminating;
    case "NotTerminating":
      return !terminating;
    case "BestEffort":
      return isBestEffort(pod);
    case "NotBestEffort":
      return !isBestEffort(pod);
    case "PriorityClass":
      return priorityClassMatches(pod, s);
    case "CrossNamespacePodAffinity":
      return crossNamespaceAffinity(pod);
    default:
      return false;
  }
}

/** Whether `obj` (stored under `resource`) falls within every scope of `quota`. */
export function inScope(quota: KubeObject, resource: string, obj: KubeObject): boolean {
  const selectors = selectorsOf(quota);
  if (!selectors.length) return true;
  return resource === "pods" && selectors.every((s) => podMatches(obj, s));
}
