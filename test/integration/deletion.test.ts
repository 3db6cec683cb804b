import { describe, expect, it } from "vitest";
import { testCluster } from "../support/cluster.ts";

// The API server's side of deletion: graceful deletion of pods, finalizers, and the
// propagation policies' finalizers (the garbage collector's side is garbage-collection.test.ts).
const c = testCluster("deletion");
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: "c", image: "nginx" }], ...extra },
});
const del = (path: string, body?: unknown) => c.json(c.send("DELETE", path, body), 200);
const seconds = (ts: string) => Date.parse(ts) / 1000;

describe("graceful deletion of pods", () => {
  it.each([
    { name: "default grace", spec: {}, options: undefined, grace: 30 },
    { name: "the pod's own grace", spec: { terminationGracePeriodSeconds: 5 }, options: undefined, grace: 5 },
    { name: "the request's grace", spec: {}, options: { gracePeriodSeconds: 12 }, grace: 12 },
    {
      name: "a negative grace counts as one second",
      spec: {},
      options: { gracePeriodSeconds: -3 },
      grace: 1,
    },
  ])("marks a pod on a node Terminating: $name", async ({ spec, options, grace }) => {
    const ns = await c.namespace();
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await c.create(pods, pod("p", spec));
    await c.bind(ns, "p");
    const before = Date.now() / 1000;
    const marked = await del(`${pods}/p`, options);
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(grace);
    const deadline = seconds(marked.metadata.deletionTimestamp);
    expect(deadline).toBeGreaterThanOrEqual(Math.floor(before) + grace);
    expect(deadline).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + grace);
    // Still there: the kubelet removes it once its containers have stopped.
    expect((await c.get(`${pods}/p`)).metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
  });

  it("shortens a pending grace period, ignores a longer one, and removes the pod at zero", async () => {
    const ns = await c.namespace();
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await c.create(pods, pod("p"));
    await c.bind(ns, "p");
    const first = await del(`${pods}/p`);
    const second = await del(`${pods}/p`, { gracePeriodSeconds: 10 });
    expect(second.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(seconds(second.metadata.deletionTimestamp)).toBe(seconds(first.metadata.deletionTimestamp) - 20);
    const third = await del(`${pods}/p`, { gracePeriodSeconds: 60 });
    expect(third.metadata).toMatchObject({
      deletionGracePeriodSeconds: 10,
      deletionTimestamp: second.metadata.deletionTimestamp,
      resourceVersion: second.metadata.resourceVersion,
    });
    await del(`${pods}/p?gracePeriodSeconds=0`);
    expect(await c.get(`${pods}/p`)).toBeNull();
  });

  it.each([
    { name: "an unscheduled pod", bind: false, phase: undefined, options: undefined },
    { name: "a finished pod", bind: true, phase: "Succeeded", options: undefined },
    { name: "--grace-period=0 --force", bind: true, phase: undefined, options: { gracePeriodSeconds: 0 } },
  ])("removes $name at once", async ({ bind, phase, options }) => {
    const ns = await c.namespace();
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await c.create(pods, pod("p"));
    if (bind) await c.bind(ns, "p");
    if (phase) {
      const current = await c.get(`${pods}/p`);
      current.status.phase = phase;
      await c.json(c.send("PUT", `${pods}/p/status`, current), 200);
    }
    await del(`${pods}/p`, options);
    expect(await c.get(`${pods}/p`)).toBeNull();
  });
});

describe("finalizers", () => {
  it("keeps an object with finalizers until an update removes the last one", async () => {
    const ns = await c.namespace();
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await c.create(cms, { metadata: { name: "held", finalizers: ["example.com/a", "example.com/b"] } });
    const marked = await del(`${cms}/held`);
    expect(marked.metadata).toMatchObject({
      deletionGracePeriodSeconds: 0,
      deletionTimestamp: expect.any(String),
    });
    // A second DELETE changes nothing.
    const again = await del(`${cms}/held`);
    expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);
    await c.patch(`${cms}/held`, { metadata: { finalizers: ["example.com/b"] } });
    expect((await c.get(`${cms}/held`)).metadata.finalizers).toEqual(["example.com/b"]);
    await c.patch(`${cms}/held`, { metadata: { finalizers: null } });
    expect(await c.get(`${cms}/held`)).toBeNull();
  });

  it("does not remove an object that is not being deleted when its finalizers go", async () => {
    const ns = await c.namespace();
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await c.create(cms, { metadata: { name: "kept", finalizers: ["example.com/a"] } });
    await c.patch(`${cms}/kept`, { metadata: { finalizers: null } });
    expect(await c.get(`${cms}/kept`)).not.toBeNull();
  });
});

describe("propagation policies", () => {
  const rc = {
    metadata: { name: "web" },
    spec: {
      replicas: 1,
      selector: { app: "web" },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  };
  it.each([
    { policy: "Background", body: { propagationPolicy: "Background" }, finalizers: null },
    { policy: "Foreground", body: { propagationPolicy: "Foreground" }, finalizers: ["foregroundDeletion"] },
    { policy: "Orphan", body: { propagationPolicy: "Orphan" }, finalizers: ["orphan"] },
    { policy: "the v1 ReplicationController default (orphan)", body: undefined, finalizers: ["orphan"] },
  ])("$policy", async ({ body, finalizers }) => {
    const ns = await c.namespace();
    const path = `/api/v1/namespaces/${ns}/replicationcontrollers/web`;
    const created = await c.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc);
    const out = await del(path, body);
    const stored = await c.get(path);
    if (!finalizers) {
      expect(stored).toBeNull();
      return;
    }
    expect(stored.metadata).toMatchObject({ finalizers, deletionGracePeriodSeconds: 0 });
    // Marking for deletion bumps the generation, as the store does for kinds without graceful deletion.
    expect(stored.metadata.generation).toBe(created.metadata.generation + 1);
    expect(out.metadata.deletionTimestamp).toBe(stored.metadata.deletionTimestamp);
  });

  it("lets a later Background delete drop the orphan finalizer and remove the object", async () => {
    const ns = await c.namespace();
    const path = `/api/v1/namespaces/${ns}/replicationcontrollers/web`;
    await c.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, rc);
    await del(path, { propagationPolicy: "Orphan" });
    await del(path, { propagationPolicy: "Background" });
    expect(await c.get(path)).toBeNull();
  });

  it("answers a precondition that does not hold with 409", async () => {
    const ns = await c.namespace();
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await c.create(pods, pod("p"));
    const res = await c.send("DELETE", `${pods}/p`, {
      preconditions: { uid: "00000000-0000-0000-0000-000000000000" },
    });
    expect(res.status).toBe(409);
    expect(await c.get(`${pods}/p`)).not.toBeNull();
  });
});
