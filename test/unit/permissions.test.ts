import { describe, expect, it } from "vitest";
import { permissionsOf, type TokenScope } from "../../accounts/permissions.ts";
import { verbOf } from "../../api/kube/authorize.ts";
import { forbiddenByRbac, rulesAllow } from "../../kube/reviews/rules.ts";
import type { ResourceAttributes } from "../../kube/types/authorization-v1.ts";

const attrs = (verb: string, resource: string, subresource = "", group = ""): ResourceAttributes => ({
  verb,
  group,
  resource,
  subresource,
  namespace: "default",
  name: "x",
});

/** Whether a kubeconfig token of this scope may make the request. */
const permits = (scope: TokenScope, resource: ResourceAttributes) =>
  rulesAllow(permissionsOf({ kind: "sandbox", scope }), { resource });
const permitsPath = (scope: TokenScope, verb: string, path: string) =>
  rulesAllow(permissionsOf({ kind: "sandbox", scope }), { nonResource: { verb, path } });

describe("what a token may do", () => {
  const cases: [string, ResourceAttributes, { owner: boolean; read: boolean }][] = [
    ["get a pod", attrs("get", "pods"), { owner: true, read: true }],
    ["list pods", attrs("list", "pods"), { owner: true, read: true }],
    ["watch deployments", attrs("watch", "deployments", "", "apps"), { owner: true, read: true }],
    ["read a pod's log", attrs("get", "pods", "log"), { owner: true, read: true }],
    ["read an rc's scale", attrs("get", "replicationcontrollers", "scale"), { owner: true, read: true }],
    [
      "read a deployment's status",
      attrs("get", "deployments", "status", "apps"),
      { owner: true, read: true },
    ],
    ["create a pod", attrs("create", "pods"), { owner: true, read: false }],
    ["patch an rc's scale", attrs("patch", "replicationcontrollers", "scale"), { owner: true, read: false }],
    ["delete a namespace", attrs("delete", "namespaces"), { owner: true, read: false }],
    ["deletecollection of pods", attrs("deletecollection", "pods"), { owner: true, read: false }],
    ["exec into a pod", attrs("create", "pods", "exec"), { owner: true, read: false }],
    ["port-forward", attrs("create", "pods", "portforward"), { owner: true, read: false }],
    ["get a Secret", attrs("get", "secrets"), { owner: true, read: false }],
    ["list Secrets", attrs("list", "secrets"), { owner: true, read: false }],
    ["a pod in the wrong group", attrs("get", "pods", "", "apps"), { owner: true, read: false }],
    [
      "kubectl auth can-i (SelfSubjectAccessReview)",
      attrs("create", "selfsubjectaccessreviews", "", "authorization.k8s.io"),
      { owner: true, read: true },
    ],
    [
      "kubectl auth whoami (SelfSubjectReview)",
      attrs("create", "selfsubjectreviews", "", "authentication.k8s.io"),
      { owner: true, read: true },
    ],
  ];
  for (const [name, request, expected] of cases)
    it(name, () => {
      expect({ owner: permits("owner", request), read: permits("read", request) }).toEqual(expected);
    });

  it("lists the read scope's rules as RBAC does, one per group, without Secrets", () => {
    const { resourceRules, nonResourceRules } = permissionsOf({ kind: "sandbox", scope: "read" });
    expect(resourceRules.map((r) => r.apiGroups?.[0])).toEqual(expect.arrayContaining(["", "apps"]));
    const all = resourceRules.flatMap((r) => r.resources ?? []);
    expect(all).toEqual(expect.arrayContaining(["pods", "pods/log", "pods/status", "deployments/scale"]));
    expect(all.filter((r) => r.startsWith("secrets") || r.endsWith("/exec"))).toEqual([]);
    const reads = resourceRules.filter((r) => !r.apiGroups?.[0]?.endsWith(".k8s.io"));
    expect(reads.every((r) => r.verbs?.join() === "get,list,watch")).toBe(true);
    expect(nonResourceRules.flatMap((r) => r.nonResourceURLs ?? [])).toContain("/openapi/*");
    expect(permitsPath("read", "get", "/openapi/v3/api/v1")).toBe(true);
    expect(permitsPath("read", "post", "/api")).toBe(false);
  });

  it("words a refusal as the API server does", () => {
    const err = forbiddenByRbac("u1", { ...attrs("create", "pods", "exec"), name: "web" });
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'pods "web" is forbidden: User "u1" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
    expect(err.details).toEqual({ name: "web", kind: "pods" });
    const list = forbiddenByRbac("u1", { ...attrs("list", "nodes"), name: "", namespace: "" });
    expect(list.message).toBe(
      'nodes is forbidden: User "u1" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });
});

describe("a request's verb", () => {
  const cases: [string, string, string, string | null, string | null, string][] = [
    ["GET of one", "GET", "/p", "x", null, "get"],
    ["GET of a collection", "GET", "/p", null, null, "list"],
    ["GET with watch", "GET", "/p?watch=true", null, null, "watch"],
    ["POST", "POST", "/p", null, null, "create"],
    ["PUT", "PUT", "/p", "x", null, "update"],
    ["PATCH", "PATCH", "/p", "x", null, "patch"],
    ["DELETE of one", "DELETE", "/p", "x", null, "delete"],
    ["DELETE of a collection", "DELETE", "/p", null, null, "deletecollection"],
    ["a GET that upgrades to exec", "GET", "/p", "x", "exec", "create"],
  ];
  for (const [name, method, url, objectName, subresource, verb] of cases)
    it(`${name} is ${verb}`, () => {
      expect(verbOf(method, new URL(`http://h${url}`), objectName, subresource)).toBe(verb);
    });
});
