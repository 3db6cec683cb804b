import type { KubeObject } from "../../object.ts";
import type { Pod, ResourceQuota, ScopedResourceSelectorRequirement } from "../../types/core-v1.ts";
import { viewAs } from "../kind.ts";
import { podKind } from "../pod/index.ts";
import { podContainers } from "../pod/resources.ts";

/**
 * Quota scopes (spec.scopes and spec.scopeSelector): which pods a quota counts. Scopes speak only
 * of pods, so a scoped quota counts nothing else.
 */

/** getScopeSelectorsFromQuota: each scope as "Exists", then the selector's expressions. */
function selectorsOf(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  return [
    ...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: "Exists", values: [] })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
}

/** QoS BestEffort: no container states a cpu or memory request or limit. */
function isBestEffort(pod: Pod): boolean {
  const { containers, initContainers } = podContainers(pod);
  return [...containers, ...initContainers].every((c) =>
    ["cpu", "memory"].every((name) => !c.requests.has(name) && !c.limits.has(name)),
  );
}

function crossNamespaceAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity;
  return [affinity?.podAffinity, affinity?.podAntiAffinity].some((a) => {
    const terms = [
      ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
    ];
    return terms.some((t) => (t?.namespaces?.length ?? 0) > 0 || t?.namespaceSelector !== undefined);
  });
}

function priorityClassMatches(pod: Pod, s: ScopedResourceSelectorRequirement): boolean {
  const name = pod.spec?.priorityClassName ?? "";
  const has = name !== "";
  const values = s.values ?? [];
  switch (s.operator) {
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "In":
      return has && values.includes(name);
    case "NotIn":
      return !has || !values.includes(name);
    default:
      return false;
  }
}

/** podMatchesScopeFunc for one selector. */
function podMatches(pod: Pod, s: ScopedResourceSelectorRequirement): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const terminating = deadline !== undefined && deadline >= 0;
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
export function inScope(quota: ResourceQuota, resource: string, obj: KubeObject): boolean {
  const selectors = selectorsOf(quota);
  if (!selectors.length) return true;
  if (resource !== "pods") return false;
  const pod = viewAs(podKind, obj);
  return selectors.every((s) => podMatches(pod, s));
}
