import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../kube/object.ts";
import {
  adoptOrphans,
  reconcileReplicaSet,
  reconcileReplicationController,
} from "../../workers/replication/task.ts";
import { testCluster } from "../support/cluster.ts";

// Controllers are level-triggered: these tests write through the API, then run the task a job
// would run. (A worker of an e2e file sharing the database may run the same jobs meanwhile;
// the outcome is the same, which is the point of level-triggered reconciles.)
const c = testCluster("replication");
const suffix = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

function rc(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra = {}) {
  return {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name },
    spec: {
      replicas,
      selector: labels,
      template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      ...extra,
    },
  };
}
const rcs = (ns: string) => `/api/v1/namespaces/${ns}/replicationcontrollers`;
const syncRc = (ns: string, name: string) =>
  reconcileReplicationController(c.t.database, { sandbox: c.sandbox, namespace: ns, name });
const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);

describe("the replication controller", () => {
  it("creates the missing pods from the template, named after it, owned by it", async () => {
    const ns = await c.namespace();
    const created = await c.create(rcs(ns), rc("web", 3));
    await syncRc(ns, "web");
    const pods = await c.pods(ns);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name?.slice(0, 4)).toBe("web-");
      expect(pod.metadata.name?.slice(4)).toMatch(suffix);
      expect(pod.metadata.generateName).toBe("web-");
      expect(pod.metadata.labels).toEqual({ app: "web" });
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: "v1",
          kind: "ReplicationController",
          name: "web",
          uid: created.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    const events = await c.events(ns, "web");
    expect(events.map((e) => [e.type, e.reason, e.message, e.source.component]).sort()).toEqual(
      names(pods)
        .map((n) => ["Normal", "SuccessfulCreate", `Created pod: ${n}`, "replication-controller"])
        .sort(),
    );
    // The next sync observes them: the status catches up, and nothing more is created.
    await syncRc(ns, "web");
    expect(await c.pods(ns)).toHaveLength(3);
    const after = await c.get(`${rcs(ns)}/web`);
    expect(after.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it("adopts a matching orphan instead of creating a pod for it", async () => {
    const ns = await c.namespace();
    await c.create(`/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: "stray", labels: { app: "adopter" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
    const owner = await c.create(rcs(ns), rc("adopter", 2));
    await adoptOrphans(c.t.database, { sandbox: c.sandbox, namespace: ns });
    await syncRc(ns, "adopter");
    const pods = await c.pods(ns);
    expect(pods).toHaveLength(2);
    const stray = pods.find((p) => p.metadata.name === "stray");
    expect(stray?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "ReplicationController", uid: owner.metadata.uid, controller: true }),
    ]);
    expect((await c.events(ns, "adopter")).filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(1);
  });

  it("releases a pod whose labels stop matching, and replaces it", async () => {
    const ns = await c.namespace();
    await c.create(rcs(ns), rc("keeper", 2));
    await syncRc(ns, "keeper");
    const [first] = await c.pods(ns);
    await c.patch(`/api/v1/namespaces/${ns}/pods/${first?.metadata.name}`, {
      metadata: { labels: { app: "debugging" } },
    });
    await syncRc(ns, "keeper");
    const released = await c.get(`/api/v1/namespaces/${ns}/pods/${first?.metadata.name}`);
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(await c.pods(ns, "app=keeper")).toHaveLength(2);
    expect(await c.pods(ns)).toHaveLength(3);
  });

  it("replaces a deleted pod", async () => {
    const ns = await c.namespace();
    await c.create(rcs(ns), rc("healer", 2));
    await syncRc(ns, "healer");
    const before = names(await c.pods(ns));
    await c.json(c.send("DELETE", `/api/v1/namespaces/${ns}/pods/${before[0]}`), 200);
    await syncRc(ns, "healer");
    const after = names(await c.pods(ns));
    expect(after).toHaveLength(2);
    expect(after).not.toContain(before[0]);
    expect(after).toContain(before[1]);
  });

  it("scales down to zero through the scale subresource, deleting every pod", async () => {
    const ns = await c.namespace();
    await c.create(rcs(ns), rc("shrink", 3));
    await syncRc(ns, "shrink");
    const before = names(await c.pods(ns));
    await c.patch(`${rcs(ns)}/shrink/scale`, { spec: { replicas: 0 } });
    await syncRc(ns, "shrink");
    expect(await c.pods(ns)).toEqual([]);
    const deleted = (await c.events(ns, "shrink")).filter((e) => e.reason === "SuccessfulDelete");
    expect(deleted.map((e) => e.message).sort()).toEqual(before.map((n) => `Deleted pod: ${n}`).sort());
    await syncRc(ns, "shrink");
    expect((await c.get(`${rcs(ns)}/shrink`)).status).toEqual({ replicas: 0, observedGeneration: 2 });
  });

  it("scales down the pods that matter least first: unscheduled before running and ready", async () => {
    const ns = await c.namespace();
    await c.create(rcs(ns), rc("ranked", 3));
    await syncRc(ns, "ranked");
    const [a, b] = names(await c.pods(ns)) as [string, string, string];
    // a runs and is ready; b is scheduled but pending; the third is not even scheduled.
    await c.bind(ns, a);
    await c.bind(ns, b);
    const podA = await c.get(`/api/v1/namespaces/${ns}/pods/${a}`);
    const now = `${new Date().toISOString().slice(0, 19)}Z`;
    podA.status = {
      ...podA.status,
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }],
    };
    await c.json(c.send("PUT", `/api/v1/namespaces/${ns}/pods/${a}/status`, podA), 200);
    await c.patch(`${rcs(ns)}/ranked`, { spec: { replicas: 2 } });
    await syncRc(ns, "ranked");
    expect(names(await c.pods(ns)).sort()).toEqual([a, b].sort());
    await c.patch(`${rcs(ns)}/ranked`, { spec: { replicas: 1 } });
    await syncRc(ns, "ranked");
    // b is on a node, so it goes gracefully: it stays, Terminating, and no longer counts.
    const left = await c.pods(ns);
    expect(left.find((p) => p.metadata.name === b)?.metadata.deletionTimestamp).toBeTruthy();
    expect(left.find((p) => p.metadata.name === a)?.metadata.deletionTimestamp).toBeUndefined();
    await syncRc(ns, "ranked");
    expect((await c.get(`${rcs(ns)}/ranked`)).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(await c.pods(ns)).toHaveLength(2);
  });

  it("reports ReplicaFailure and FailedCreate when a quota refuses pods, and recovers", async () => {
    const ns = await c.namespace();
    await c.create(`/api/v1/namespaces/${ns}/resourcequotas`, {
      metadata: { name: "two-pods" },
      spec: { hard: { pods: "2" } },
    });
    await c.create(rcs(ns), rc("greedy", 3));
    await syncRc(ns, "greedy");
    expect(await c.pods(ns)).toHaveLength(2);
    const failed = (await c.events(ns, "greedy")).filter((e) => e.reason === "FailedCreate");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: "Warning", source: { component: "replication-controller" } });
    expect(failed[0].message).toMatch(
      /^Error creating: pods "greedy-[a-z0-9]{5}" is forbidden: exceeded quota: two-pods/,
    );
    const status = (await c.get(`${rcs(ns)}/greedy`)).status;
    expect(status.replicas).toBe(0);
    expect(status.conditions).toEqual([
      {
        type: "ReplicaFailure",
        status: "True",
        lastTransitionTime: expect.any(String),
        reason: "FailedCreate",
        message: failed[0].message.replace("Error creating: ", ""),
      },
    ]);
    await c.patch(`/api/v1/namespaces/${ns}/resourcequotas/two-pods`, { spec: { hard: { pods: "5" } } });
    await syncRc(ns, "greedy");
    expect(await c.pods(ns)).toHaveLength(3);
    expect((await c.get(`${rcs(ns)}/greedy`)).status.conditions).toBeUndefined();
  });

  it("leaves pods alone while the controller is being deleted", async () => {
    const ns = await c.namespace();
    await c.create(rcs(ns), rc("leaving", 1));
    await syncRc(ns, "leaving");
    // The default for a v1 ReplicationController is to orphan: it stays, marked, with the finalizer.
    await c.json(c.send("DELETE", `${rcs(ns)}/leaving`), 200);
    const [pod] = await c.pods(ns);
    await c.json(c.send("DELETE", `/api/v1/namespaces/${ns}/pods/${pod?.metadata.name}`), 200);
    await syncRc(ns, "leaving");
    expect(await c.pods(ns)).toEqual([]);
  });
});

describe("the replica-set controller", () => {
  it("keeps a ReplicaSet's count with a set-based selector, as replicaset-controller", async () => {
    const ns = await c.namespace();
    const labels = { app: "api", tier: "backend" };
    const rs = await c.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: { name: "api" },
      spec: {
        replicas: 2,
        selector: {
          matchLabels: { app: "api" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["backend"] }],
        },
        template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "nginx" }] } },
      },
    });
    await reconcileReplicaSet(c.t.database, { sandbox: c.sandbox, namespace: ns, name: "api" });
    const pods = await c.pods(ns);
    expect(pods).toHaveLength(2);
    expect(pods[0]?.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "api",
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const events = await c.events(ns, "api");
    expect(events.map((e) => e.source.component)).toEqual(["replicaset-controller", "replicaset-controller"]);
  });
});
