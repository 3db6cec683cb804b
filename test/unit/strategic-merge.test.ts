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
