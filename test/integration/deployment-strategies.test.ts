import { describe, expect, it } from "vitest";
import { createdDeployment as created, deploymentSandbox } from "../support/deployments.ts";

// Recreate, paused deployments, scaling, history limits, the progress deadline and the
// triggers, with the deployment controller alone (see test/support/deployments.ts).

const {
  apps,
  get,
  kube,
  send,
  sync,
  replicaSets,
  podsUp,
  settle,
  events,
  jobKeys,
  clearJobs,
  patchTemplate,
} = deploymentSandbox("deployment-strategies");

describe("other strategies and settings", () => {
  it("Recreate: old pods go first, then the new ReplicaSet comes at full size", async () => {
    await send("POST", `${apps}/deployments`, created("batch", { strategy: { type: "Recreate" } }));
    await settle("batch");
    const [v1] = await replicaSets("batch");
    expect(v1.spec.replicas).toBe(3);
    // A pod of the old ReplicaSet, as the ReplicaSet controller would have made it.
    const pod = await send("POST", "/api/v1/namespaces/default/pods", {
      metadata: {
        name: `${v1.metadata.name}-abcde`,
        labels: { app: "batch", "pod-template-hash": v1.metadata.labels["pod-template-hash"] },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: v1.metadata.name,
            uid: v1.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    });
    await patchTemplate("batch", "nginx:1.25");
    await sync("batch");
    expect((await replicaSets("batch")).map((rs) => rs.spec.replicas)).toEqual([0]);
    await podsUp(v1, 0); // the ReplicaSet reports no pods, but one is still there
    await sync("batch");
    expect(await replicaSets("batch")).toHaveLength(1);
    await kube(`/api/v1/namespaces/default/pods/${pod.metadata.name}`, { method: "DELETE" });
    expect(await jobKeys("deployment")).toContain("deployment:default/batch");
    await sync("batch");
    const sets = await replicaSets("batch");
    expect(
      sets.map((rs) => [rs.spec.replicas, rs.metadata.annotations["deployment.kubernetes.io/revision"]]),
    ).toEqual([
      [0, "1"],
      [3, "2"],
    ]);
    expect(await events("batch")).toEqual([
      `ScalingReplicaSet: Scaled up replica set ${v1.metadata.name} from 0 to 3`,
      `ScalingReplicaSet: Scaled down replica set ${v1.metadata.name} from 3 to 0`,
      `ScalingReplicaSet: Scaled up replica set ${sets[1].metadata.name} from 0 to 3`,
    ]);
  });

  it("a paused deployment is not rolled, only marked paused; resuming rolls it", async () => {
    await send("POST", `${apps}/deployments`, created("still"));
    await settle("still");
    await patchTemplate("still", "nginx:1.25", { paused: true });
    await settle("still");
    expect(await replicaSets("still")).toHaveLength(1);
    const dep = await get(`${apps}/deployments/still`);
    expect(dep.status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({
      status: "Unknown",
      reason: "DeploymentPaused",
      message: "Deployment is paused",
    });
    await send(
      "PATCH",
      `${apps}/deployments/still`,
      { spec: { paused: null } },
      "application/merge-patch+json",
    );
    await settle("still");
    expect((await replicaSets("still")).map((rs) => rs.spec.replicas)).toEqual([0, 3]);
  });

  it("scaling mid-way resizes the active ReplicaSet and keeps revisionHistoryLimit", async () => {
    await send("POST", `${apps}/deployments`, created("trim", { revisionHistoryLimit: 1 }));
    await settle("trim");
    for (const image of ["nginx:1.24", "nginx:1.25"]) {
      await send(
        "PATCH",
        `${apps}/deployments/trim`,
        { spec: { template: { spec: { containers: [{ name: "nginx", image }] } } } },
        "application/strategic-merge-patch+json",
      );
      await settle("trim");
    }
    const sets = await replicaSets("trim");
    expect(
      sets.map((rs) => [rs.metadata.annotations["deployment.kubernetes.io/revision"], rs.spec.replicas]),
    ).toEqual([
      ["2", 0],
      ["3", 3],
    ]);
    await send(
      "PATCH",
      `${apps}/deployments/trim/scale`,
      { spec: { replicas: 5 } },
      "application/merge-patch+json",
    );
    await settle("trim");
    const scaled = await replicaSets("trim");
    expect(scaled.map((rs) => rs.spec.replicas)).toEqual([0, 5]);
    expect(scaled[1].metadata.annotations["deployment.kubernetes.io/desired-replicas"]).toBe("5");
    expect(await events("trim")).toContain(
      `ScalingReplicaSet: Scaled up replica set ${scaled[1].metadata.name} from 3 to 5`,
    );
  });

  it("a rollout without progress past progressDeadlineSeconds is reported as timed out", async () => {
    await send("POST", `${apps}/deployments`, created("stuck", { progressDeadlineSeconds: 60 }));
    await sync("stuck");
    await sync("stuck");
    const later = new Date(Date.now() + 120_000);
    await sync("stuck", later);
    const dep = await get(`${apps}/deployments/stuck`);
    const [rs] = await replicaSets("stuck");
    expect(dep.status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.`,
    });
  });

  it("a ReplicaSet written with a deployment as controller wakes that deployment", async () => {
    await clearJobs("deployment");
    const [rs] = await replicaSets("still");
    await podsUp(rs, 1);
    expect(await jobKeys("deployment")).toEqual(["deployment:default/still"]);
  });
});
