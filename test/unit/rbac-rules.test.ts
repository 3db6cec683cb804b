import { describe, expect, it } from "vitest";
import { forbiddenByRbac, nonResourceRuleAllows, resourceRuleAllows } from "../../kube/reviews/rules.ts";

describe("RBAC rule matching (ResourceRuleAllows, NonResourceRuleAllows)", () => {
  const podsReader = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "pods/log"] };
  it.each([
    ["a listed verb on a listed resource", podsReader, { verb: "get", resource: "pods" }, true],
    ["another verb", podsReader, { verb: "delete", resource: "pods" }, false],
    ["another group", podsReader, { verb: "get", group: "apps", resource: "pods" }, false],
    ["a listed subresource", podsReader, { verb: "get", resource: "pods", subresource: "log" }, true],
    ["an unlisted subresource", podsReader, { verb: "get", resource: "pods", subresource: "exec" }, false],
    [
      "*/subresource",
      { verbs: ["get"], apiGroups: ["*"], resources: ["*/scale"] },
      { verb: "get", group: "apps", resource: "deployments", subresource: "scale" },
      true,
    ],
    [
      "a named object",
      { verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] },
      { verb: "get", resource: "secrets", name: "b" },
      false,
    ],
    [
      "wildcards",
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verb: "patch", group: "x", resource: "y" },
      true,
    ],
  ])("%s", (_name, rule, attributes, allowed) => {
    expect(resourceRuleAllows(rule, attributes)).toBe(allowed);
  });

  it.each([
    ["an exact path", ["/version"], "/version", true],
    ["a prefix ending in *", ["/apis/*"], "/apis/apps/v1", true],
    ["another path", ["/api"], "/apis", false],
    ["*", ["*"], "/anything", true],
  ])("non-resource: %s", (_name, urls, path, allowed) => {
    expect(nonResourceRuleAllows({ verbs: ["get"], nonResourceURLs: urls }, { verb: "get", path })).toBe(
      allowed,
    );
  });
});

describe("the 403 of an RBAC denial", () => {
  it.each([
    [
      { verb: "list", resource: "pods", namespace: "default" },
      'pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"',
    ],
    [
      { verb: "get", group: "apps", resource: "deployments", name: "web", namespace: "ns" },
      'deployments.apps "web" is forbidden: User "u" cannot get resource "deployments" in API group "apps" in the namespace "ns"',
    ],
    [
      { verb: "create", resource: "pods", subresource: "exec", name: "p", namespace: "default" },
      'pods "p" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    ],
    [
      { verb: "delete", resource: "nodes", name: "n" },
      'nodes "n" is forbidden: User "u" cannot delete resource "nodes" in API group "" at the cluster scope',
    ],
  ])("%j", (attributes, message) => {
    const err = forbiddenByRbac("u", attributes);
    expect([err.code, err.message]).toEqual([403, message]);
  });
});
