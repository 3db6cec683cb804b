import { describe, expect, it } from "vitest";
import type { ObjectMeta } from "../../../kube/object.ts";
import type { Pod, ReplicationController, ReplicationControllerSpec } from "../../../kube/types/core-v1.ts";
import { claimPods } from "../../../workers/replication/claim.ts";
import { calculateStatus } from "../../../workers/replication/status.ts";
import { podFromTemplate, podNamePrefix } from "../../../workers/replication/template.ts";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d+Z$/, "Z");

function controller(extra: ReplicationControllerSpec = {}, meta: ObjectMeta = {}): ReplicationController {
  return {
    metadata: { name: "web", namespace: "default", uid: "rc-uid", generation: 3, ...meta },
    spec: {
      replicas: 3,
      selector: { app: "web" },
      template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: { containers: [] } },
      ...extra,
    },
    status: { replicas: 0 },
  };
}
function pod(name: string, labels: Record<string, string>, readyFor?: number, meta: ObjectMeta = {}): Pod {
  return {
    metadata: { name, namespace: "default", labels, ...meta },
    status:
      readyFor === undefined
        ? {}
        : { conditions: [{ type: "Ready", status: "True", lastTransitionTime: ago(readyFor) }] },
  };
}
const owned = (uid: string) => ({
  ownerReferences: [{ apiVersion: "v1", kind: "ReplicationController", name: "x", uid, controller: true }],
});

describe("calculateStatus", () => {
  it.each([
    {
      name: "counts all, fully labeled, ready and available pods",
      minReady: 0,
      pods: [
        pod("a", { app: "web", tier: "fe" }, 1),
        pod("b", { app: "web" }, 100),
        pod("c", { app: "web" }),
      ],
      want: {
        replicas: 3,
        fullyLabeledReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: 3,
      },
    },
    {
      name: "counts a pod available only once ready for minReadySeconds",
      minReady: 30,
      pods: [pod("a", { app: "web" }, 10), pod("b", { app: "web" }, 100)],
      want: { replicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 },
    },
    { name: "leaves zero counts out", minReady: 0, pods: [], want: { replicas: 0, observedGeneration: 3 } },
  ])("$name", ({ minReady, pods, want }) => {
    expect(calculateStatus(controller({ minReadySeconds: minReady }), pods, null, now)).toEqual(want);
  });

  it("sets ReplicaFailure when managing replicas fails, keeps it, and clears it on success", () => {
    const failing = calculateStatus(controller(), [], new Error("quota says no"), now);
    expect(failing.conditions).toEqual([
      {
        type: "ReplicaFailure",
        status: "True",
        lastTransitionTime: "2025-01-01T12:00:00Z",
        reason: "FailedCreate",
        message: "quota says no",
      },
    ]);
    const still = controller();
    still.status = failing;
    expect(calculateStatus(still, [], new Error("another message"), now + 5000).conditions).toEqual(
      failing.conditions,
    );
    expect(calculateStatus(still, [], null, now)).not.toHaveProperty("conditions");
    const tooMany = [pod("a", {}), pod("b", {}), pod("c", {}), pod("d", {})];
    expect(calculateStatus(controller(), tooMany, new Error("x"), now).conditions?.[0]?.reason).toBe(
      "FailedDelete",
    );
  });
});

describe("claimPods", () => {
  const selects = (labels: Record<string, string>) => labels.app === "web";
  it("keeps its own matching pods, releases non-matching ones, adopts matching orphans, ignores others'", () => {
    const pods = [
      pod("mine", { app: "web" }, undefined, owned("rc-uid")),
      pod("relabelled", { app: "debug" }, undefined, owned("rc-uid")),
      pod("orphan", { app: "web" }),
      pod("orphan-elsewhere", { app: "web" }, undefined, { namespace: "other" }),
      pod("unrelated-orphan", { app: "db" }),
      pod("theirs", { app: "web" }, undefined, owned("other-uid")),
    ];
    const claim = claimPods(controller(), pods, selects);
    const names = (list: Pod[]) => list.map((p) => p.metadata.name);
    expect(names(claim.owned)).toEqual(["mine"]);
    expect(names(claim.release)).toEqual(["relabelled"]);
    expect(names(claim.adopt)).toEqual(["orphan"]);
  });

  it("neither adopts nor releases while being deleted", () => {
    const pods = [
      pod("relabelled", { app: "debug" }, undefined, owned("rc-uid")),
      pod("orphan", { app: "web" }),
    ];
    const claim = claimPods(controller({}, { deletionTimestamp: ago(0) }), pods, selects);
    expect(claim).toEqual({ owned: [], adopt: [], release: [] });
  });
});

describe("podFromTemplate", () => {
  it("copies labels, annotations, finalizers and spec, and names the pod after its controller", () => {
    const rc = controller({
      template: {
        metadata: { name: "ignored", labels: { app: "web" }, annotations: { a: "1" }, finalizers: ["f"] },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    });
    const ref = {
      apiVersion: "v1",
      kind: "ReplicationController",
      name: "web",
      uid: "rc-uid",
      controller: true,
    };
    expect(podFromTemplate(rc, ref)).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        generateName: "web-",
        labels: { app: "web" },
        annotations: { a: "1" },
        finalizers: ["f"],
        ownerReferences: [ref],
      },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
  });

  it("drops the dash when it would make the name too long", () => {
    expect(podNamePrefix("a".repeat(252))).toBe(`${"a".repeat(252)}-`);
    expect(podNamePrefix("a".repeat(253))).toBe("a".repeat(253));
  });
});
