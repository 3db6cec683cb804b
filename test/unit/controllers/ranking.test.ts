import { describe, expect, it } from "vitest";
import type { Pod } from "../../../kube/types/core-v1.ts";
import { compareForDeletion, podsToDelete } from "../../../workers/replication/ranking.ts";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d+Z$/, "Z");

interface PodSpec {
  name: string;
  node?: string;
  phase?: string;
  ready?: number | false;
  created?: number;
  restarts?: number;
  cost?: string;
  uid?: string;
}
function pod(p: PodSpec): Pod {
  return {
    metadata: {
      name: p.name,
      uid: p.uid ?? p.name,
      creationTimestamp: ago(p.created ?? 600),
      ...(p.cost ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": p.cost } } : {}),
    },
    spec: p.node ? { nodeName: p.node } : {},
    status: {
      phase: p.phase ?? "Running",
      conditions:
        p.ready === undefined || p.ready === false
          ? []
          : [{ type: "Ready", status: "True", lastTransitionTime: ago(p.ready) }],
      containerStatuses: [
        { name: "c", ready: false, restartCount: p.restarts ?? 0, image: "nginx", imageID: "" },
      ],
    },
  };
}

describe("ActivePodsWithRanks: which pod a scale-down deletes first", () => {
  it.each<{ name: string; first: PodSpec; second: PodSpec; ranks?: [number, number] }>([
    { name: "unscheduled before scheduled", first: { name: "a" }, second: { name: "b", node: "n1" } },
    {
      name: "Pending before Unknown before Running",
      first: { name: "a", node: "n", phase: "Pending" },
      second: { name: "b", node: "n", phase: "Unknown" },
    },
    {
      name: "Unknown before Running",
      first: { name: "a", node: "n", phase: "Unknown" },
      second: { name: "b", node: "n", phase: "Running" },
    },
    {
      name: "not ready before ready",
      first: { name: "a", node: "n" },
      second: { name: "b", node: "n", ready: 60 },
    },
    {
      name: "lower deletion cost first",
      first: { name: "a", node: "n", ready: 60, cost: "-5" },
      second: { name: "b", node: "n", ready: 60, cost: "10" },
    },
    {
      name: "more siblings on its node first",
      first: { name: "a", node: "n1", ready: 60 },
      second: { name: "b", node: "n2", ready: 60 },
      ranks: [3, 1],
    },
    {
      name: "ready more recently first (on a log scale)",
      first: { name: "a", node: "n", ready: 10 },
      second: { name: "b", node: "n", ready: 5000 },
    },
    {
      name: "more restarts first",
      first: { name: "a", node: "n", ready: 60, restarts: 4 },
      second: { name: "b", node: "n", ready: 60, restarts: 1 },
    },
    {
      name: "created more recently first",
      first: { name: "a", node: "n", created: 30 },
      second: { name: "b", node: "n", created: 3000 },
    },
    {
      name: "ages within the same power of two: by uid",
      first: { name: "a", node: "n", created: 1000, uid: "0001" },
      second: { name: "b", node: "n", created: 1001, uid: "0002" },
    },
  ])("$name", ({ first, second, ranks = [0, 0] }) => {
    const a = { pod: pod(first), rank: ranks[0] };
    const b = { pod: pod(second), rank: ranks[1] };
    expect(compareForDeletion(a, b, now)).toBeLessThan(0);
    expect(compareForDeletion(b, a, now)).toBeGreaterThan(0);
  });

  it("treats a malformed deletion cost as 0", () => {
    const a = { pod: pod({ name: "a", node: "n", cost: "cheap", created: 30 }), rank: 0 };
    const b = { pod: pod({ name: "b", node: "n", cost: "0", created: 3000 }), rank: 0 };
    expect(compareForDeletion(a, b, now)).toBeLessThan(0);
  });

  it("counts a container status without restartCount (a client may write one) as no restarts", () => {
    const restarted = { pod: pod({ name: "a", node: "n", ready: 60, restarts: 1 }), rank: 0 };
    const unknown: any = pod({ name: "b", node: "n", ready: 60 });
    delete unknown.status.containerStatuses[0].restartCount;
    expect(compareForDeletion(restarted, { pod: unknown, rank: 0 }, now)).toBeLessThan(0);
    expect(compareForDeletion({ pod: unknown, rank: 0 }, restarted, now)).toBeGreaterThan(0);
  });

  it("ranks by the related pods on each node and takes the first diff", () => {
    const pods = [
      pod({ name: "alone", node: "n1", ready: 60 }),
      pod({ name: "crowded", node: "n2", ready: 60 }),
      pod({ name: "pending", node: "n2", phase: "Pending" }),
    ];
    const related = [...pods, pod({ name: "sibling", node: "n2", ready: 60 })];
    expect(podsToDelete(pods, 2, related, now).map((p) => p.metadata.name)).toEqual(["pending", "crowded"]);
    expect(podsToDelete(pods, 5, related, now)).toHaveLength(3);
  });
});
