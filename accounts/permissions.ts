import { forbidden, type StatusError } from "../kube/errors.ts";
import { kinds } from "../kube/kinds/index.ts";

/**
 * What a token may do in the sandbox it reaches: "owner", everything; "read", what the API
 * server's built-in `view` ClusterRole allows — get, list and watch, logs, status and scale,
 * and no Secrets (their values are the one thing `view` withholds), no exec, attach,
 * port-forward or proxy. An instructor's kubeconfig of a student's sandbox is "read".
 */
export type TokenScope = "owner" | "read";

/** The scopes a token row may hold. */
export const tokenScopes: readonly TokenScope[] = ["owner", "read"];

/** An RBAC PolicyRule on resources, as SelfSubjectRulesReview lists it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
}

/** An RBAC PolicyRule on non-resource URLs. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs: string[];
}

/** What a request asks to do, as the API server's authorizer sees it (authorizer.Attributes). */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  /** "" when none. */
  subresource: string;
  namespace: string;
  name: string;
}

/** Subresources the `view` role reads; the rest (exec, attach, portforward, proxy, …) it does not. */
const readableSubresources = new Set(["status", "scale", "log"]);
/** Resources `view` does not read at all. */
const unreadable = new Set(["secrets"]);
const readVerbs = ["get", "list", "watch"];

/** Non-resource URLs every authenticated caller reads (system:discovery, system:public-info-viewer). */
const discovery: NonResourceRule = {
  verbs: ["get"],
  nonResourceURLs: [
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/openapi",
    "/openapi/*",
    "/version",
    "/version/",
    "/healthz",
    "/livez",
    "/readyz",
  ],
};

/**
 * What every authenticated user may ask about themselves (the API server's system:basic-user
 * role): `kubectl auth can-i` (SelfSubjectAccessReview, SelfSubjectRulesReview) and
 * `kubectl auth whoami` (SelfSubjectReview), whatever their token's scope.
 */
const basicUser: ResourceRule[] = [
  {
    verbs: ["create"],
    apiGroups: ["authorization.k8s.io"],
    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
  },
  { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"] },
];

/** The read scope's resource rules, one per API group, from the kinds the API serves. */
function readRules(): ResourceRule[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    if (unreadable.has(kind.resource)) continue;
    const list = byGroup.get(kind.group) ?? [];
    list.push(kind.resource);
    for (const sub of kind.subresources)
      if (readableSubresources.has(sub)) list.push(`${kind.resource}/${sub}`);
    if (kind.scale && !kind.subresources.includes("scale")) list.push(`${kind.resource}/scale`);
    byGroup.set(kind.group, list);
  }
  return [
    ...[...byGroup].map(([group, resources]) => ({ verbs: readVerbs, apiGroups: [group], resources })),
    ...basicUser,
  ];
}

const ownerRules: ResourceRule[] = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];

/**
 * Everything a token of this scope may do in its sandbox, as RBAC rules: the one answer that the
 * Kubernetes API, GraphQL and `kubectl auth can-i` (SelfSubjectAccessReview and
 * SelfSubjectRulesReview) all read.
 */
export function rulesFor(scope: TokenScope): {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
} {
  return {
    resourceRules: scope === "owner" ? ownerRules : readRules(),
    nonResourceRules: scope === "owner" ? [{ verbs: ["*"], nonResourceURLs: ["*"] }] : [discovery],
  };
}

function matches(list: string[], value: string): boolean {
  return list.includes("*") || list.includes(value);
}

/** Whether one rule allows the request (RBAC's ResourceMatches: "*", "pods", "pods/*", "*\/log"). */
function ruleAllows(rule: ResourceRule, attrs: RequestAttributes): boolean {
  if (!matches(rule.verbs, attrs.verb) || !matches(rule.apiGroups, attrs.group)) return false;
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return rule.resources.some(
    (r) =>
      r === "*" ||
      r === combined ||
      (attrs.subresource !== "" && (r === `${attrs.resource}/*` || r === `*/${attrs.subresource}`)),
  );
}

/** Whether a token of this scope may make this request (RBAC: any rule allowing it). */
export function permits(scope: TokenScope, attrs: RequestAttributes): boolean {
  return rulesFor(scope).resourceRules.some((rule) => ruleAllows(rule, attrs));
}

/** Whether a token of this scope may GET this non-resource URL. */
export function permitsPath(scope: TokenScope, verb: string, path: string): boolean {
  return rulesFor(scope).nonResourceRules.some(
    (rule) =>
      matches(rule.verbs, verb) &&
      rule.nonResourceURLs.some(
        (u) => u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.slice(0, -1))),
      ),
  );
}

/**
 * The API server's 403 for a refused request, word for word (RBAC's reason is left out, as
 * kubectl prints it): `pods "web" is forbidden: User "u" cannot create resource "pods/exec" in
 * API group "" in the namespace "default"`.
 */
export function forbiddenRequest(user: string, attrs: RequestAttributes): StatusError {
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  // NewForbidden names the group and resource alone ("deployments.apps"), the reason the whole.
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const subject = attrs.name ? `${qualified} "${attrs.name}"` : qualified;
  const where = attrs.namespace ? ` in the namespace "${attrs.namespace}"` : " at the cluster scope";
  return forbidden(
    `${subject} is forbidden: User "${user}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}"${where}`,
    {
      ...(attrs.name ? { name: attrs.name } : {}),
      ...(attrs.group ? { group: attrs.group } : {}),
      kind: attrs.resource,
    },
  );
}
