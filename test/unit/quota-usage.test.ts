import { describe, expect, it } from "vitest";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { resourceQuotaKind } from "../../kube/kinds/resourcequota/index.ts";
import { inScope } from "../../kube/kinds/resourcequota/scopes.ts";
import { podConstraintProblem, resourcesFor, tracks, usageOf } from "../../kube/kinds/resourcequota/usage.ts";
import type { KubeObject } from "../../kube/object.ts";
import { writeResourceList } from "../../kube/quantity/resource-list.ts";

function obj(fields: Record<string, unknown>): KubeObject {
  return { metadata: { name: "x", namespace: "default" }, ...fields };
}
const container = (name: string, resources?: unknown) => ({
  name,
  image: "nginx",
  ...(resources ? { resources } : {}),
});

describe("quota usage of one object", () => {
  it.each([
    [
      "a pod with requests and limits",
      "pods",
      obj({
        spec: {
          containers: [
            container("a", { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "500m" } }),
            container("b", { requests: { cpu: "250m", memory: "64Mi" } }),
          ],
          initContainers: [container("init", { requests: { cpu: "1" } })],
        },
      }),
      {
        "count/pods": "1",
        cpu: "1",
        "limits.cpu": "500m",
        memory: "128Mi",
        pods: "1",
        "requests.cpu": "1",
        "requests.memory": "128Mi",
      },
    ],
    [
      "a finished pod (counted, but no compute)",
      "pods",
      obj({ spec: { containers: [container("a")] }, status: { phase: "Succeeded" } }),
      { "count/pods": "1" },
    ],
    [
      "a NodePort service",
      "services",
      obj({ spec: { type: "NodePort", ports: [{ port: 80 }, { port: 443 }] } }),
      { "count/services": "1", services: "1", "services.loadbalancers": "0", "services.nodeports": "2" },
    ],
    [
      "a claim of a storage class",
      "persistentvolumeclaims",
      obj({ spec: { storageClassName: "gold", resources: { requests: { storage: "5Gi" } } } }),
      {
        "count/persistentvolumeclaims": "1",
        "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
        "gold.storageclass.storage.k8s.io/requests.storage": "5Gi",
        persistentvolumeclaims: "1",
        "requests.storage": "5Gi",
      },
    ],
    ["a ConfigMap", "configmaps", obj({}), { configmaps: "1", "count/configmaps": "1" }],
    ["a Deployment", "deployments.apps", obj({}), { "count/deployments.apps": "1" }],
  ])("%s", (_name, resource, o, usage) => {
    expect(writeResourceList(usageOf(resource, o))).toEqual(usage);
  });

  it("knows which resources a quota name counts", () => {
    expect(resourcesFor("count/deployments.apps")).toEqual(["deployments.apps"]);
    expect(resourcesFor("requests.memory")).toEqual(["pods"]);
    expect(resourcesFor("services.nodeports")).toEqual(["services"]);
    expect(resourcesFor("secrets")).toEqual(["secrets"]);
    expect(tracks("pods", "requests.example.com/gpu")).toBe(true);
    expect(tracks("pods", "secrets")).toBe(false);
  });
});

describe("the pod evaluator's constraints", () => {
  it.each([
    [["pods"], [container("a")], null],
    [
      ["limits.cpu", "requests.memory", "pods"],
      [container("a"), container("b", { limits: { cpu: "1" } })],
      "must specify limits.cpu for: a; requests.memory for: a,b",
    ],
    [["cpu"], [container("a", { requests: { cpu: "1" } })], null],
  ])("quota on %j", (limited, containers, problem) => {
    expect(podConstraintProblem(viewAs(podKind, obj({ spec: { containers } })), limited)).toBe(problem);
  });
});

describe("quota scopes", () => {
  const scoped = (scopes: string[]) => viewAs(resourceQuotaKind, obj({ spec: { scopes } }));
  const bestEffort = obj({ spec: { containers: [container("a")] } });
  const burstable = obj({
    spec: { containers: [container("a", { requests: { cpu: "1" } })], activeDeadlineSeconds: 30 },
  });
  it.each([
    [["BestEffort"], "pods", bestEffort, true],
    [["BestEffort"], "pods", burstable, false],
    [["NotBestEffort", "Terminating"], "pods", burstable, true],
    [["NotTerminating"], "pods", burstable, false],
    [["NotTerminating"], "configmaps", bestEffort, false],
    [[], "configmaps", bestEffort, true],
  ])("%j on %s", (scopes, resource, o, expected) => {
    expect(inScope(scoped(scopes), resource, o)).toBe(expected);
  });
});
