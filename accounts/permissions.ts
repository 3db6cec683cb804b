import { clusterAdminRules, everyoneRules, type Rules } from "../kube/reviews/rules.ts";
import type { SandboxCaller } from "./access.ts";

/** What a caller may do in a sandbox: its rules, and what grants them (an allowed review's reason). */
export interface Permissions extends Rules {
  grantedBy: string;
}

/**
 * The one answer to "what may this token do in its sandbox", which SelfSubjectAccessReview,
 * SelfSubjectRulesReview and `kubectl auth can-i` report. Each kind of token the service issues
 * has its case here. The owner's login token, the sandbox's kubeconfig token and the tokens a
 * TokenRequest made for its service accounts are cluster-admin of the sandbox: a sandbox serves
 * no RBAC, so nothing narrower could be granted to an account (as on a cluster authorizing with
 * AlwaysAllow). Every caller also has what the default roles give every authenticated user.
 */
export function permissionsOf(caller: SandboxCaller): Permissions {
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
