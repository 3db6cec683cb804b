import { describe, expect, it } from "vitest";
import { createdDeployment as created, deploymentSandbox, rolledOut } from "../support/deployments.ts";

// The deployment controller alone, driven as the queue drives it; the tests play the ReplicaSet
// controller by writing ReplicaSet status (see test/support/deployments.ts).

const { apps, get, send, sync, replicaSets, podsUp, settle, events, jobKeys, patchTemplate } =
  deploymentSandbox("deployments");

describe("a new deployment", () => {
  it("gets a ReplicaSet named by its pod-template-hash, revision 1, owned by it", async () => {
    const d = await send("POST", `${apps}/deployments?fieldManager=kubectl-create`, created("web"));
    expect(await jobKeys("deployment")).toContain("deployment:default/web");
    await sync("web");
    const [rs, more] = await replicaSets("web");
    expect(more).toBeUndefined();
    const hash = rs.metadata.labels["pod-template-hash"];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: d.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.metadata.annotations).toEqual({
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
      "deployment.kubernetes.io/revision": "1",
    });
    expect(rs.spec.replicas).toBe(3);
    expect(rs.spec.selector).toEqual({ matchLabels: { app: "web", "pod-template-hash": hash } });
    expect(rs.spec.template.metadata.labels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs.spec.template.spec.containers[0].image).toBe("nginx");
    const dep = await get(`${apps}/deployments/web`);
    expect(dep.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(dep.status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 3 });
    expect(dep.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${rs.metadata.name}"`],
      ["Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."],
    ]);
    expect(await events("web")).toEqual([
      `ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 3`,
    ]);
    expect(rolledOut(dep)).toBe(false);
    // The ReplicaSet write woke the controller again; with nothing more to do, it looks again
    // once the progress deadline (600 s) would pass.
    expect(await jobKeys("deployment")).toContain("deployment:default/web");
    await sync("web");
    expect(await jobKeys("deployment")).toContain("deployment:default/web:progress");
  });

  it("is rolled out once the ReplicaSet's pods are available", async () => {
    const [rs] = await replicaSets("web");
    await podsUp(rs);
    await sync("web");
    const dep = await get(`${apps}/deployments/web`);
    expect(dep.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(dep.status).not.toHaveProperty("unavailableReplicas");
    expect(dep.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
      [
        "Progressing",
        "True",
        "NewReplicaSetAvailable",
        `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
      ],
    ]);
    expect(rolledOut(dep)).toBe(true);
    expect(await jobKeys("deployment")).not.toContain("deployment:default/web:progress");
    const rv = dep.metadata.resourceVersion;
    await sync("web");
    expect((await get(`${apps}/deployments/web`)).metadata.resourceVersion).toBe(rv);
  });
});

describe("a template change (kubectl set image)", () => {
  let first: any;
  let second: any;

  it("makes a second ReplicaSet, revision 2, and rolls within maxSurge 1 / maxUnavailable 0", async () => {
    [first] = await replicaSets("web");
    await patchTemplate("web", "nginx:1.25");
    await sync("web");
    const sets = await replicaSets("web");
    expect(sets).toHaveLength(2);
    second = sets[1];
    expect(second.metadata.name).not.toBe(first.metadata.name);
    expect(second.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2");
    expect(second.spec.template.spec.containers[0].image).toBe("nginx:1.25");
    // 25% of 3: one pod over the size (surge rounds up), none below it (unavailability rounds down).
    expect([sets[0].spec.replicas, second.spec.replicas]).toEqual([3, 1]);
    expect(
      (await get(`${apps}/deployments/web`)).metadata.annotations["deployment.kubernetes.io/revision"],
    ).toBe("2");

    // Nothing more until the new pod is available.
    await sync("web");
    expect((await replicaSets("web")).map((rs) => rs.spec.replicas)).toEqual([3, 1]);
    await podsUp(second);
    await sync("web");
    expect((await replicaSets("web")).map((rs) => rs.spec.replicas)).toEqual([2, 1]);
    await podsUp((await replicaSets("web"))[0]);
    await sync("web");
    expect((await replicaSets("web")).map((rs) => rs.spec.replicas)).toEqual([2, 2]);
    const dep = await get(`${apps}/deployments/web`);
    expect(dep.status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({
      reason: "ReplicaSetUpdated",
      message: `ReplicaSet "${second.metadata.name}" is progressing.`,
    });
    expect(rolledOut(dep)).toBe(false);
  });

  it("finishes the rollover with the old ReplicaSet at 0 and kept for history", async () => {
    await settle("web");
    const sets = await replicaSets("web");
    expect(sets.map((rs) => [rs.metadata.name, rs.spec.replicas])).toEqual([
      [first.metadata.name, 0],
      [second.metadata.name, 3],
    ]);
    const dep = await get(`${apps}/deployments/web`);
    expect(rolledOut(dep)).toBe(true);
    expect(dep.status.conditions.find((c: any) => c.type === "Progressing").message).toBe(
      `ReplicaSet "${second.metadata.name}" has successfully progressed.`,
    );
    const log = await events("web");
    expect(log).toContain(`ScalingReplicaSet: Scaled up replica set ${second.metadata.name} from 0 to 1`);
    expect(log).toContain(`ScalingReplicaSet: Scaled down replica set ${first.metadata.name} from 3 to 2`);
    expect(log).toContain(`ScalingReplicaSet: Scaled down replica set ${first.metadata.name} from 1 to 0`);
  });

  it("rolls back as kubectl rollout undo does: the old ReplicaSet comes back as revision 3", async () => {
    // kubectl reads the ReplicaSet of the previous revision and JSON-patches its template (less
    // the hash label, and as Go re-encodes it) and annotations into the deployment.
    const dep = await get(`${apps}/deployments/web`);
    const [previous] = (await replicaSets("web")).filter(
      (rs) => rs.metadata.annotations["deployment.kubernetes.io/revision"] === "1",
    );
    const template = structuredClone(previous.spec.template);
    delete template.metadata.labels["pod-template-hash"];
    template.spec.containers[0].resources = {};
    const annotations = {
      "deployment.kubernetes.io/revision": dep.metadata.annotations["deployment.kubernetes.io/revision"],
    };
    await send(
      "PATCH",
      `${apps}/deployments/web`,
      [
        { op: "replace", path: "/spec/template", value: template },
        { op: "replace", path: "/metadata/annotations", value: annotations },
      ],
      "application/json-patch+json",
    );
    await settle("web");
    const sets = await replicaSets("web");
    expect(sets).toHaveLength(2);
    expect(
      sets.map((rs) => [
        rs.metadata.name,
        rs.spec.replicas,
        rs.metadata.annotations["deployment.kubernetes.io/revision"],
      ]),
    ).toEqual([
      [second.metadata.name, 0, "2"],
      [first.metadata.name, 3, "3"],
    ]);
    expect(sets[1].metadata.annotations["deployment.kubernetes.io/revision-history"]).toBe("1");
    const after = await get(`${apps}/deployments/web`);
    expect(after.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    expect(rolledOut(after)).toBe(true);
  });
});
