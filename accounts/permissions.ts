import { kinds } from "../kube/kinds/index.ts";
import { clusterAdminRules, everyoneRules, type Rules } from "../kube/reviews/rules.ts";
import type { ResourceRule } from "../kube/types/authorization-v1.ts";
import type { SandboxCaller } from "./access.ts";

/**
 * What a token may do in the sandbox it reaches: "owner", everything; "read", what the API
 * server's built-in `view` ClusterRole allows — get, list and watch, logs, status and scale,
 * and no Secrets (their values are the one thing `view` withholds), no exec, attach,
 * port-forward or proxy. An instructor's kubeconfig of a student's sandbox is "read".
 */
export type TokenScope = "owner" | "read";

/** The scopes a token row may hold. */
export const tokenScopes: readonly TokenScope[] = ["owner", "read"];

/** What a caller may do in a sandbox: its rules, and what grants them (an allowed review's reason). */
export interface Permissions extends Rules {
  grantedBy: string;
}

/**
 * The one answer to "what may this token do in its sandbox", which the Kubernetes API, GraphQL,
 * SelfSubjectAccessReview, SelfSubjectRulesReview and `kubectl auth can-i` all read. A read
 * token (an instructor's) has the `view` role. Otherwise each kind of token the service issues
 * has its case: the owner's login token, the sandbox's kubeconfig token and the tokens a
 * TokenRequest made for its service accounts are cluster-admin of the sandbox — a sandbox serves
 * no RBAC, so nothing narrower could be granted to an account (as on a cluster authorizing with
 * AlwaysAllow). Every caller also has what the default roles give every authenticated user.
 */
export function permissionsOf(caller: Pick<SandboxCaller, "kind" | "scope">): Permissions {
  if (caller.scope === "read") return readOnly();
  switch (caller.kind) {
    case "login":
      return ownerLogin;
    case "sandbox":
      return sandboxToken;
    case "serviceaccount":
      return serviceAccountToken;
  }
}

/** A grant with what every authenticated user has; built once, as every request asks. */
function withEveryone(grant: Rules, grantedBy: string): Permissions {
  return {
    resourceRules: [...grant.resourceRules, ...everyoneRules.resourceRules],
    nonResourceRules: [...grant.nonResourceRules, ...everyoneRules.nonResourceRules],
    grantedBy,
  };
}

const ownerLogin = withEveryone(
  clusterAdminRules,
  "kubesandbox: the owner's login token is cluster-admin of the owner's sandboxes",
);
const sandboxToken = withEveryone(
  clusterAdminRules,
  "kubesandbox: a sandbox token is cluster-admin of its sandbox",
);
const serviceAccountToken = withEveryone(
  clusterAdminRules,
  "kubesandbox: a sandbox serves no RBAC; its service accounts' tokens are cluster-admin of it",
);

/** Subresources the `view` role reads; the rest (exec, attach, portforward, proxy, …) it does not. */
const readableSubresources = new Set(["status", "scale", "log"]);
/** Resources `view` does not read at all. */
const unreadable = new Set(["secrets"]);

/** The `view` role's rules, one per API group, over the kinds the API serves. */
function viewRules(): ResourceRule[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    if (unreadable.has(kind.resource) || !kind.verbs.includes("get")) continue;
    const list = byGroup.get(kind.group) ?? [];
    list.push(kind.resource);
    for (const sub of kind.subresources)
      if (readableSubresources.has(sub)) list.push(`${kind.resource}/${sub}`);
    if (kind.scale && !kind.subresources.includes("scale")) list.push(`${kind.resource}/scale`);
    byGroup.set(kind.group, list);
  }
  return [...byGroup].map(([group, resources]) => ({
    verbs: ["get", "list", "watch"],
    apiGroups: [group],
    resources,
  }));
}

let readOnlyPermissions: Permissions | undefined;

/** A read token's permissions, built on first use (the kinds are all defined by then). */
function readOnly(): Permissions {
  readOnlyPermissions ??= withEveryone(
    { resourceRules: viewRules(), nonResourceRules: [] },
    "kubesandbox: an instructor's token reads a student's sandbox as the view role does",
  );
  return readOnlyPermissions;
}
