import { describe, expect, it } from "vitest";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { quotaUsageCells, resourceQuotaKind } from "../../../kube/kinds/resourcequota/index.ts";
import {
  validateResourceQuota,
  validateResourceQuotaUpdate,
} from "../../../kube/kinds/resourcequota/validation.ts";
import type { KubeObject } from "../../../kube/object.ts";

function quota(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec, status };
  resourceQuotaKind.defaults?.(obj);
  return obj;
}
const lines = (obj: KubeObject) => validateResourceQuota(obj).map((e) => `${e.field}: ${e.body}`);

describe("ResourceQuota printing", () => {
  it.each([
    [
      "object counts and compute requests",
      { hard: { pods: "10", "requests.cpu": "1" }, used: { pods: "1", "requests.cpu": "500m" } },
      ["pods: 1/10, requests.cpu: 500m/1", ""],
    ],
    [
      "limits.* apart, names sorted",
      { hard: { "limits.memory": "2Gi", "limits.cpu": "2", memory: "1Gi" }, used: { "limits.cpu": "1" } },
      ["memory: 0/1Gi", "limits.cpu: 1/2, limits.memory: 0/2Gi"],
    ],
    ["nothing yet", {}, ["", ""]],
  ])("%s", (_name, status, cells) => {
    expect(quotaUsageCells(viewAs(resourceQuotaKind, quota({}, status)))).toEqual(cells);
  });

  it("has printResourceQuota's columns", () => {
    expect(resourceQuotaKind.printer.columns.map((c) => c.name)).toEqual(["Name", "Request", "Limit", "Age"]);
  });
});

describe("ResourceQuota validation", () => {
  it("canonicalizes quantities as it decodes them", () => {
    expect(quota({ hard: { memory: "1024Mi", cpu: "0.5", pods: 10 } }).spec).toEqual({
      hard: { cpu: "500m", memory: "1Gi", pods: "10" },
    });
  });

  it.each([
    ["count/ names of any resource", { hard: { "count/deployments.apps": "2", "count/pods": "1" } }],
    ["storage class names", { hard: { "gold.storageclass.storage.k8s.io/requests.storage": "5Gi" } }],
    ["pod scopes on pod resources", { hard: { pods: "1", "requests.cpu": "1" }, scopes: ["NotBestEffort"] }],
  ])("accepts %s", (_name, spec) => {
    expect(lines(quota(spec))).toEqual([]);
  });

  it.each([
    [
      "storage in quota",
      { hard: { storage: "1Gi" } },
      ['spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota'],
    ],
    [
      "BestEffort on compute",
      { hard: { cpu: "1" }, scopes: ["BestEffort"] },
      [
        'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort"}: unsupported scope applied to resource',
      ],
    ],
    [
      "conflicting scopes",
      { hard: { pods: "1" }, scopes: ["Terminating", "NotTerminating"] },
      [
        'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating", "NotTerminating"}: conflicting scopes',
      ],
    ],
    [
      "an unknown scope",
      { hard: { pods: "1" }, scopes: ["Sometimes"] },
      ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"Sometimes"}: unsupported scope'],
    ],
  ])("refuses %s", (_name, spec, expected) => {
    expect(lines(quota(spec))).toEqual(expected);
  });

  it("refuses changed scopes on update", () => {
    const old = quota({ hard: { pods: "1" }, scopes: ["BestEffort"] });
    expect(validateResourceQuotaUpdate(quota({ hard: { pods: "2" }, scopes: ["BestEffort"] }), old)).toEqual(
      [],
    );
    expect(
      validateResourceQuotaUpdate(quota({ hard: { pods: "1" } }), old).map((e) => `${e.field}: ${e.body}`),
    ).toEqual(["spec.scopes: Invalid value: []core.ResourceQuotaScope(nil): field is immutable"]);
  });
});
