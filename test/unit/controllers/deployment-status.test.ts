import { describe, expect, it } from "vitest";
import type {
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  ReplicaSet,
  ReplicaSetStatus,
} from "../../../kube/types/apps-v1.ts";
import { replicaSetsToDelete } from "../../../workers/deployment/cleanup.ts";
import { rolloutParams } from "../../../workers/deployment/fenceposts.ts";
import { rolloutStatus, stuckCheckAt } from "../../../workers/deployment/status.ts";
import type { RsView } from "../../../workers/deployment/view.ts";

const t0 = "2024-05-01T10:00:00Z";
const now = new Date("2024-05-01T10:00:30Z");

function deployment(status: DeploymentStatus, spec: DeploymentSpec = {}): Deployment {
  return {
    metadata: { name: "web", namespace: "default", generation: 2 },
    spec: {
      replicas: 3,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      progressDeadlineSeconds: 600,
      ...spec,
    },
    status,
  };
}

function rs(name: string, replicas: number, current: number, available: number): RsView {
  return { name, replicas, current, ready: available, available, created: t0, revision: 1, annotations: {} };
}

const created = {
  type: "Progressing",
  status: "True",
  lastUpdateTime: t0,
  lastTransitionTime: t0,
  reason: "NewReplicaSetCreated",
  message: 'Created new replica set "web-abc"',
};

describe("the rollout's status", () => {
  it("reports a new rollout with no pods yet: unavailable, the creation kept", () => {
    const d = deployment({ observedGeneration: 1, conditions: [created] });
    const newRS = rs("web-abc", 3, 0, 0);
    expect(rolloutStatus(d, rolloutParams(d), [newRS], newRS, undefined, now)).toEqual({
      observedGeneration: 2,
      unavailableReplicas: 3,
      conditions: [
        created,
        {
          type: "Available",
          status: "False",
          lastUpdateTime: "2024-05-01T10:00:30Z",
          lastTransitionTime: "2024-05-01T10:00:30Z",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
        },
      ],
    });
  });

  it("reports progress with a fresh update time and the transition time kept", () => {
    const d = deployment({ observedGeneration: 2, replicas: 3, conditions: [created] });
    const newRS = rs("web-abc", 3, 3, 1);
    const status = rolloutStatus(d, rolloutParams(d), [newRS], newRS, undefined, now);
    expect(status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 2,
    });
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Available", "False", "MinimumReplicasUnavailable"],
      ["Progressing", "True", "ReplicaSetUpdated"],
    ]);
    expect(status.conditions?.[1]).toMatchObject({
      message: 'ReplicaSet "web-abc" is progressing.',
      lastTransitionTime: t0,
      lastUpdateTime: "2024-05-01T10:00:30Z",
    });
  });

  it("reports a finished rollout as kubectl rollout status wants it", () => {
    const d = deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, conditions: [created] });
    const newRS = rs("web-abc", 3, 3, 3);
    const old = rs("web-old", 0, 0, 0);
    const status = rolloutStatus(d, rolloutParams(d), [old, newRS], newRS, undefined, now);
    expect(status).toMatchObject({
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    expect(status).not.toHaveProperty("unavailableReplicas");
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
      ["Progressing", "True", "NewReplicaSetAvailable", 'ReplicaSet "web-abc" has successfully progressed.'],
    ]);
    expect(stuckCheckAt(d, status)).toBeNull();
  });

  it("times out a rollout that made no progress within progressDeadlineSeconds", () => {
    const d = deployment(
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [created],
      },
      { progressDeadlineSeconds: 10 },
    );
    const newRS = rs("web-abc", 1, 1, 0);
    const old = rs("web-old", 2, 2, 2);
    const status = rolloutStatus(d, rolloutParams(d), [old, newRS], newRS, undefined, now);
    expect(status.conditions?.find((c) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: 'ReplicaSet "web-abc" has timed out progressing.',
    });
    const early = rolloutStatus(
      d,
      rolloutParams(d),
      [old, newRS],
      newRS,
      undefined,
      new Date("2024-05-01T10:00:05Z"),
    );
    expect(early.conditions?.find((c) => c.type === "Progressing")?.reason).toBe("NewReplicaSetCreated");
    expect(stuckCheckAt(d, early)?.toISOString()).toBe("2024-05-01T10:00:11.000Z");
  });

  it("drops Progressing when there is no deadline", () => {
    const d = deployment({ conditions: [created] }, { progressDeadlineSeconds: 2147483647 });
    const status = rolloutStatus(d, rolloutParams(d), [], null, undefined, now);
    expect(status.conditions?.map((c) => c.type)).toEqual(["Available"]);
  });
});

describe("revision history cleanup", () => {
  function old(name: string, revision: string, extra: Partial<ReplicaSetStatus> = {}): ReplicaSet {
    return {
      metadata: {
        name,
        annotations: { "deployment.kubernetes.io/revision": revision },
        generation: 1,
        creationTimestamp: t0,
      },
      spec: { replicas: 0 },
      status: { replicas: 0, observedGeneration: 1, ...extra },
    };
  }
  it.each([
    ["under the limit: none", 10, ["1", "2"], []],
    ["over by one: the lowest revision", 1, ["3", "1", "2"], ["rs-1", "rs-2"]],
    ["limit 0 removes every old one", 0, ["1", "2"], ["rs-1", "rs-2"]],
    ["no limit (MaxInt32): none", null, ["1", "2", "3"], []],
  ] as [string, number | null, string[], string[]][])("%s", (_name, limit, revisions, want) => {
    const sets = revisions.map((r) => old(`rs-${r}`, r));
    expect(replicaSetsToDelete(sets, limit).map((rs) => rs.metadata.name)).toEqual(want);
  });

  it("keeps an old ReplicaSet that still has pods or an unobserved spec", () => {
    const busy = old("rs-1", "1", { replicas: 1 });
    const unobserved = { ...old("rs-2", "2"), metadata: { ...old("rs-2", "2").metadata, generation: 2 } };
    expect(
      replicaSetsToDelete([busy, unobserved, old("rs-3", "3")], 0).map((rs) => rs.metadata.name),
    ).toEqual(["rs-3"]);
  });
});
