import { forbidden, qualifiedResource, type StatusError } from "../errors.ts";
import type {
  NonResourceAttributes,
  NonResourceRule,
  ResourceAttributes,
  ResourceRule,
} from "../types/authorization-v1.ts";

/** What a subject may do, as RBAC rules: what a SelfSubjectRulesReview lists. */
export interface Rules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
}

const has = (values: readonly string[] | undefined, value: string) =>
  (values ?? []).some((v) => v === "*" || v === value);

/**
 * RBAC's ResourceRuleAllows (plugin/pkg/auth/authorizer/rbac/rbac.go): the verb, the group, the
 * resource (or `resource/subresource`, or `*\/subresource`) and, when the rule names any, the
 * object's name all match.
 */
export function resourceRuleAllows(rule: ResourceRule, a: ResourceAttributes): boolean {
  if (!has(rule.verbs, a.verb ?? "") || !has(rule.apiGroups, a.group ?? "")) return false;
  const resource = a.resource ?? "";
  const combined = a.subresource ? `${resource}/${a.subresource}` : resource;
  const resourceMatches = (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (a.subresource ? r === `*/${a.subresource}` : false),
  );
  if (!resourceMatches) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name ?? "");
}

/** RBAC's NonResourceRuleAllows: the verb and the path (exactly, or by a prefix ending in `*`). */
export function nonResourceRuleAllows(rule: NonResourceRule, a: NonResourceAttributes): boolean {
  if (!has(rule.verbs, a.verb ?? "")) return false;
  const path = a.path ?? "";
  return (rule.nonResourceURLs ?? []).some(
    (url) => url === "*" || url === path || (url.endsWith("*") && path.startsWith(url.slice(0, -1))),
  );
}

/** Whether some rule allows the request. */
export function rulesAllow(
  rules: Rules,
  a: { resource?: ResourceAttributes; nonResource?: NonResourceAttributes },
): boolean {
  if (a.resource)
    return rules.resourceRules.some((rule) => resourceRuleAllows(rule, a.resource as ResourceAttributes));
  if (a.nonResource)
    return rules.nonResourceRules.some((rule) =>
      nonResourceRuleAllows(rule, a.nonResource as NonResourceAttributes),
    );
  return false;
}

/**
 * What every authenticated user may do on a cluster with the default RBAC roles:
 * system:basic-user (review oneself) and system:discovery / system:public-info-viewer (read the
 * API's discovery, version and health).
 */
export const everyoneRules: Rules = {
  resourceRules: [
    { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"] },
    {
      verbs: ["create"],
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    },
  ],
  nonResourceRules: [
    {
      verbs: ["get"],
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/",
      ],
    },
  ],
};

/** cluster-admin's rules: every verb on every resource and every path. */
export const clusterAdminRules: Rules = {
  resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
  nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
};

/**
 * The 403 the API server's authorization filter answers when RBAC denies a resource request:
 * `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`.
 */
export function forbiddenByRbac(username: string, a: ResourceAttributes): StatusError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? "");
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  const reason = `User "${username}" cannot ${a.verb} resource "${resource}" in API group "${a.group ?? ""}" ${scope}`;
  const subject = qualifiedResource(a.group ?? "", a.resource ?? "");
  return forbidden(
    a.name ? `${subject} "${a.name}" is forbidden: ${reason}` : `${subject} is forbidden: ${reason}`,
    {
      ...(a.name ? { name: a.name } : {}),
      ...(a.group ? { group: a.group } : {}),
      kind: a.resource ?? "",
    },
  );
}
