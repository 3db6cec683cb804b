import { describe, expect, it } from "vitest";
import { applyStrategicMergePatch } from "../../kube/patch/strategic-merge.ts";
import { kindSchema, untyped } from "../../kube/types/merge-schema.ts";

const podSchema = kindSchema("v1", "Pod");

const pod = {
  metadata: { name: "web", labels: { app: "web", tier: "fe" }, finalizers: ["a"] },
  spec: {
    containers: [
      { name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }] },
      { name: "sidecar", image: "busybox" },
    ],
    tolerations: [{ key: "x" }],
  },
};

describe("strategic merge patch", () => {
  it("merges containers by name and keeps the others (kubectl apply's patch)", () => {
    const out = applyStrategicMergePatch(
      pod,
      {
        metadata: { labels: { tier: null, version: "2" } },
        spec: {
          "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
          containers: [{ name: "web", image: "nginx:1.28" }],
        },
      },
      podSchema,
    );
    expect(out.metadata).toEqual({ name: "web", labels: { app: "web", version: "2" }, finalizers: ["a"] });
    const containers = (out.spec as { containers: { name: string; image: string; ports?: unknown }[] })
      .containers;
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ["web", "nginx:1.28"],
      ["sidecar", "busybox"],
    ]);
    expect(containers[0]?.ports).toEqual([{ containerPort: 80 }]);
    expect(JSON.stringify(out)).not.toContain("$setElementOrder");
  });

  it("deletes list items with $patch: delete and replaces with $patch: replace", () => {
    const deleted = applyStrategicMergePatch(
      pod,
      {
        spec: { containers: [{ name: "sidecar", $patch: "delete" }] },
      },
      podSchema,
    );
    expect((deleted.spec as { containers: unknown[] }).containers).toHaveLength(1);
    const replaced = applyStrategicMergePatch(
      pod,
      {
        spec: { $patch: "replace", containers: [{ name: "only", image: "x" }] },
      },
      podSchema,
    );
    expect(replaced.spec).toEqual({ containers: [{ name: "only", image: "x" }] });
  });

  it("replaces lists without a merge key, and unions primitive sets", () => {
    const out = applyStrategicMergePatch(
      pod,
      {
        metadata: { finalizers: ["b", "a"] },
        spec: { tolerations: [{ key: "y" }] },
      },
      podSchema,
    );
    expect((out.metadata as { finalizers: string[] }).finalizers).toEqual(["a", "b"]);
    expect((out.spec as { tolerations: unknown }).tolerations).toEqual([{ key: "y" }]);
    const removed = applyStrategicMergePatch(
      pod,
      {
        metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] },
      },
      podSchema,
    );
    expect((removed.metadata as { finalizers: string[] }).finalizers).toEqual([]);
  });

  it("merges env by name inside a container and honours $retainKeys", () => {
    const out = applyStrategicMergePatch(
      pod,
      {
        spec: { containers: [{ name: "web", env: [{ name: "B", value: "2" }] }] },
      },
      podSchema,
    );
    const env = (out.spec as { containers: { env: unknown[] }[] }).containers[0]?.env;
    expect(env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    const retained = applyStrategicMergePatch(
      { a: 1, b: 2, c: 3 },
      { $retainKeys: ["a", "c"], c: 4 },
      untyped,
    );
    expect(retained).toEqual({ a: 1, c: 4 });
  });
});

describe("strategic merge patch by kind: each list as its Go type's patch tags say", () => {
  const cases: {
    name: string;
    apiVersion: string;
    kind: string;
    current: Record<string, unknown>;
    patch: Record<string, unknown>;
    want: Record<string, unknown>;
  }[] = [
    {
      name: "Deployment: template containers merge by name, their env by name",
      apiVersion: "apps/v1",
      kind: "Deployment",
      current: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: "web", image: "nginx:1", env: [{ name: "A", value: "1" }] },
                { name: "log", image: "busybox" },
              ],
            },
          },
        },
      },
      patch: {
        spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "B", value: "2" }] }] } } },
      },
      want: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "web",
                  image: "nginx:1",
                  env: [
                    { name: "A", value: "1" },
                    { name: "B", value: "2" },
                  ],
                },
                { name: "log", image: "busybox" },
              ],
            },
          },
        },
      },
    },
    {
      name: "Service: ports merge by port",
      apiVersion: "v1",
      kind: "Service",
      current: {
        spec: {
          ports: [
            { port: 80, targetPort: 8080 },
            { port: 443, targetPort: 8443 },
          ],
        },
      },
      patch: { spec: { ports: [{ port: 443, targetPort: 9443 }, { port: 22 }] } },
      want: {
        spec: {
          ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 9443 }, { port: 22 }],
        },
      },
    },
    {
      name: "Job: a batch/v1 template's containers merge by name too",
      apiVersion: "batch/v1",
      kind: "Job",
      current: { spec: { template: { spec: { containers: [{ name: "a", image: "x" }, { name: "b" }] } } } },
      patch: { spec: { template: { spec: { containers: [{ name: "b", image: "y" }] } } } },
      want: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: "a", image: "x" },
                { name: "b", image: "y" },
              ],
            },
          },
        },
      },
    },
    {
      name: "Node: podCIDRs merge as a set (patchStrategy merge without a key)",
      apiVersion: "v1",
      kind: "Node",
      current: { spec: { podCIDRs: ["10.0.0.0/24"], taints: [{ key: "a", effect: "NoSchedule" }] } },
      patch: { spec: { podCIDRs: ["fd00::/64"], taints: [{ key: "b", effect: "NoSchedule" }] } },
      want: {
        spec: { podCIDRs: ["10.0.0.0/24", "fd00::/64"], taints: [{ key: "b", effect: "NoSchedule" }] },
      },
    },
    {
      name: "Pod: status conditions merge by type; containerStatuses, without a patch strategy, are replaced",
      apiVersion: "v1",
      kind: "Pod",
      current: {
        status: {
          conditions: [
            { type: "Ready", status: "False" },
            { type: "PodScheduled", status: "True" },
          ],
          containerStatuses: [
            { name: "a", ready: false },
            { name: "b", ready: false },
          ],
        },
      },
      patch: {
        status: {
          conditions: [{ type: "Ready", status: "True" }],
          containerStatuses: [{ name: "a", ready: true }],
        },
      },
      want: {
        status: {
          conditions: [
            { type: "Ready", status: "True" },
            { type: "PodScheduled", status: "True" },
          ],
          containerStatuses: [{ name: "a", ready: true }],
        },
      },
    },
    {
      name: "PodDisruptionBudget: the selector (patchStrategy replace) is replaced, not merged",
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      current: { spec: { minAvailable: 1, selector: { matchLabels: { app: "a", tier: "fe" } } } },
      patch: { spec: { selector: { matchLabels: { app: "b" } } } },
      want: { spec: { minAvailable: 1, selector: { matchLabels: { app: "b" } } } },
    },
    {
      name: "EndpointSlice: endpoints (atomic, no patch strategy) are replaced",
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      current: { endpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }] },
      patch: { endpoints: [{ addresses: ["10.0.0.3"] }] },
      want: { endpoints: [{ addresses: ["10.0.0.3"] }] },
    },
    {
      name: "a kind without a Go type: lists are replaced, maps merge",
      apiVersion: "example.com/v1",
      kind: "Widget",
      current: { metadata: { labels: { a: "1" } }, spec: { containers: [{ name: "a" }, { name: "b" }] } },
      patch: { metadata: { labels: { b: "2" } }, spec: { containers: [{ name: "b", image: "x" }] } },
      want: {
        metadata: { labels: { a: "1", b: "2" } },
        spec: { containers: [{ name: "b", image: "x" }] },
      },
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      expect(applyStrategicMergePatch(c.current, c.patch, kindSchema(c.apiVersion, c.kind))).toEqual(c.want),
    );

  it("refuses a keyed item without its merge key, as strategicpatch does", () => {
    expect(() =>
      applyStrategicMergePatch(pod, { spec: { containers: [{ image: "x" }] } }, podSchema),
    ).toThrow("map: map[image:x] does not contain declared merge key: name");
  });

  it("merges an autoscaling/v1 Scale by its own type", () => {
    const scale = { metadata: { name: "d" }, spec: { replicas: 1 }, status: { replicas: 1 } };
    expect(
      applyStrategicMergePatch(scale, { spec: { replicas: 3 } }, kindSchema("autoscaling/v1", "Scale")),
    ).toEqual({
      ...scale,
      spec: { replicas: 3 },
    });
  });
});
