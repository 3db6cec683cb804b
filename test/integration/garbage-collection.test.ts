import { describe, expect, it } from "vitest";
import { reconcileGarbage } from "../../workers/garbage-collector/task.ts";
import { reconcileReplicaSet, reconcileReplicationController } from "../../workers/replication/task.ts";
import { testCluster } from "../support/cluster.ts";

// The garbage collector, run as its jobs would run it (by owner uid) after writes through the API.
const c = testCluster("garbage");
const collect = (uid: string) => reconcileGarbage(c.t.database, { sandbox: c.sandbox, uid });
const del = (path: string, body?: unknown) => c.json(c.send("DELETE", path, body), 200);

async function rcWithPods(ns: string, name = "web", replicas = 2) {
  const rc = await c.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, {
    metadata: { name },
    spec: {
      replicas,
      selector: { app: name },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  });
  await reconcileReplicationController(c.t.database, { sandbox: c.sandbox, namespace: ns, name });
  expect(await c.pods(ns)).toHaveLength(replicas);
  return { uid: rc.metadata.uid as string, path: `/api/v1/namespaces/${ns}/replicationcontrollers/${name}` };
}

function ref(kind: string, name: string, uid: string, extra = {}) {
  return { apiVersion: "v1", kind, name, uid, ...extra };
}

describe("cascading deletion", () => {
  it("background: the owner goes at once, then the collector deletes its pods", async () => {
    const ns = await c.namespace();
    const rc = await rcWithPods(ns);
    await del(rc.path, { propagationPolicy: "Background" });
    expect(await c.get(rc.path)).toBeNull();
    await collect(rc.uid);
    expect(await c.pods(ns)).toEqual([]);
  });

  it("orphan: the pods lose their owner reference and stay, then the owner goes", async () => {
    const ns = await c.namespace();
    const rc = await rcWithPods(ns);
    await del(rc.path, { propagationPolicy: "Orphan" });
    expect(await c.get(rc.path)).not.toBeNull();
    await collect(rc.uid);
    expect(await c.get(rc.path)).toBeNull();
    const pods = await c.pods(ns);
    expect(pods).toHaveLength(2);
    for (const pod of pods) expect(pod.metadata.ownerReferences).toBeUndefined();
  });

  it("foreground: the owner waits for its pods, including one in its grace period", async () => {
    const ns = await c.namespace();
    const rc = await rcWithPods(ns);
    const [bound, unbound] = (await c.pods(ns)).map((p) => p.metadata.name ?? "") as [string, string];
    await c.bind(ns, bound);
    await del(rc.path, { propagationPolicy: "Foreground" });
    await collect(rc.uid);
    // The unscheduled pod is gone; the one on a node is Terminating and still blocks the owner.
    const left = await c.pods(ns);
    expect(left.map((p) => p.metadata.name)).toEqual([bound]);
    expect(left[0]?.metadata.deletionTimestamp).toBeTruthy();
    expect(unbound).not.toBe(bound);
    expect((await c.get(rc.path)).metadata.finalizers).toEqual(["foregroundDeletion"]);
    // The kubelet's final delete; the pod's DELETED wakes the collector for its owner.
    await del(`/api/v1/namespaces/${ns}/pods/${bound}`, { gracePeriodSeconds: 0 });
    await collect(rc.uid);
    expect(await c.get(rc.path)).toBeNull();
  });

  it("cascades level by level: owner → ReplicaSet → pods", async () => {
    const ns = await c.namespace();
    const owner = await c.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "owner" } });
    const rs = await c.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: {
        name: "rs",
        ownerReferences: [ref("ConfigMap", "owner", owner.metadata.uid, { blockOwnerDeletion: true })],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "rs" } },
        template: {
          metadata: { labels: { app: "rs" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    await reconcileReplicaSet(c.t.database, { sandbox: c.sandbox, namespace: ns, name: "rs" });
    expect(await c.pods(ns)).toHaveLength(2);
    await del(`/api/v1/namespaces/${ns}/configmaps/owner`);
    await collect(owner.metadata.uid);
    expect(await c.get(`/apis/apps/v1/namespaces/${ns}/replicasets/rs`)).toBeNull();
    expect(await c.pods(ns)).toHaveLength(2);
    await collect(rs.metadata.uid);
    expect(await c.pods(ns)).toEqual([]);
  });
});

describe("dangling owners", () => {
  const missing = "6a2f6f3e-0000-4000-8000-000000000001";

  it("deletes a dependent whose only owner does not exist", async () => {
    const ns = await c.namespace();
    await c.create(`/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "dependent", ownerReferences: [ref("ConfigMap", "ghost", missing)] },
    });
    await collect(missing);
    expect(await c.get(`/api/v1/namespaces/${ns}/configmaps/dependent`)).toBeNull();
  });

  it("only drops the dead reference of a dependent with another, living owner", async () => {
    const ns = await c.namespace();
    const alive = await c.create(`/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: "alive" } });
    const aliveRef = ref("ConfigMap", "alive", alive.metadata.uid);
    await c.create(`/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "shared", ownerReferences: [ref("ConfigMap", "ghost", missing), aliveRef] },
    });
    await collect(missing);
    const shared = await c.get(`/api/v1/namespaces/${ns}/configmaps/shared`);
    expect(shared.metadata.ownerReferences).toEqual([aliveRef]);
  });

  it("counts an owner in another namespace as absent", async () => {
    const ns = await c.namespace();
    const other = await c.namespace();
    const far = await c.create(`/api/v1/namespaces/${other}/configmaps`, { metadata: { name: "far" } });
    await c.create(`/api/v1/namespaces/${ns}/configmaps`, {
      metadata: {
        name: "misplaced",
        ownerReferences: [ref("ConfigMap", "ghost", missing), ref("ConfigMap", "far", far.metadata.uid)],
      },
    });
    await collect(missing);
    expect(await c.get(`/api/v1/namespaces/${ns}/configmaps/misplaced`)).toBeNull();
    expect(await c.get(`/api/v1/namespaces/${other}/configmaps/far`)).not.toBeNull();
  });

  it("leaves the dependents of a living owner alone", async () => {
    const ns = await c.namespace();
    const rc = await rcWithPods(ns, "alive", 1);
    await collect(rc.uid);
    expect(await c.pods(ns)).toHaveLength(1);
  });
});
