import { describe, expect, it } from "vitest";
import {
  forbiddenRequest,
  permits,
  permitsPath,
  type RequestAttributes,
  rulesFor,
} from "../../accounts/permissions.ts";
import { resourceAttributes } from "../../api/kube/request-attributes.ts";
import { kindByResource } from "../../kube/kinds/index.ts";

const attrs = (verb: string, resource: string, subresource = "", group = ""): RequestAttributes => ({
  verb,
  group,
  resource,
  subresource,
  namespace: "default",
  name: "x",
});

describe("what a token may do", () => {
  const cases: [string, RequestAttributes, { owner: boolean; read: boolean }][] = [
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
    ["exec into a pod (create)", attrs("create", "pods", "exec"), { owner: true, read: false }],
    ["exec into a pod (get, websocket)", attrs("get", "pods", "exec"), { owner: true, read: false }],
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
    const { resourceRules, nonResourceRules } = rulesFor("read");
    expect(resourceRules.map((r) => r.apiGroups[0])).toEqual(expect.arrayContaining(["", "apps"]));
    const all = resourceRules.flatMap((r) => r.resources);
    expect(all).toEqual(expect.arrayContaining(["pods", "pods/log", "pods/status", "deployments/scale"]));
    expect(all.filter((r) => r.startsWith("secrets") || r.endsWith("/exec"))).toEqual([]);
    const reads = resourceRules.filter((r) => !r.apiGroups[0]?.endsWith(".k8s.io"));
    expect(reads.every((r) => r.verbs.join() === "get,list,watch")).toBe(true);
    expect(nonResourceRules.flatMap((r) => r.nonResourceURLs)).toContain("/openapi/*");
    expect(permitsPath("read", "get", "/openapi/v3/api/v1")).toBe(true);
    expect(permitsPath("read", "post", "/api")).toBe(false);
  });

  it("words a refusal as the API server does", () => {
    const err = forbiddenRequest("u1", { ...attrs("create", "pods", "exec"), name: "web" });
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'pods "web" is forbidden: User "u1" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
    expect(err.details).toEqual({ name: "web", kind: "pods" });
    const list = forbiddenRequest("u1", { ...attrs("list", "nodes"), name: "", namespace: "" });
    expect(list.message).toBe(
      'nodes is forbidden: User "u1" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });
});

describe("a request's attributes", () => {
  const pods = kindByResource("", "v1", "pods");
  if (!pods) throw new Error("no pods kind");
  const path = (name: string | null, subresource: string | null = null) => ({
    kind: pods,
    namespace: "default",
    name,
    subresource,
  });
  const cases: [string, string, string, ReturnType<typeof path>, string][] = [
    ["GET of one", "GET", "/p", path("x"), "get"],
    ["GET of a collection", "GET", "/p", path(null), "list"],
    ["GET with watch", "GET", "/p?watch=true", path(null), "watch"],
    ["POST", "POST", "/p", path(null), "create"],
    ["PUT", "PUT", "/p", path("x"), "update"],
    ["PATCH", "PATCH", "/p", path("x"), "patch"],
    ["DELETE of one", "DELETE", "/p", path("x"), "delete"],
    ["DELETE of a collection", "DELETE", "/p", path(null), "deletecollection"],
  ];
  for (const [name, method, url, p, verb] of cases)
    it(`${name} is ${verb}`, () => {
      const a = resourceAttributes(new Request(`http://h${url}`, { method }), new URL(`http://h${url}`), p);
      expect(a.verb).toBe(verb);
    });
  it("names the subresource", () => {
    const a = resourceAttributes(
      new Request("http://h/", { method: "POST" }),
      new URL("http://h/"),
      path("x", "exec"),
    );
    expect(a).toEqual({
      verb: "create",
      group: "",
      resource: "pods",
      subresource: "exec",
      namespace: "default",
      name: "x",
    });
  });
});
