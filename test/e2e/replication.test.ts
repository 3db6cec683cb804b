import { describe, expect, it } from "vitest";
import { tutorialManifests, useSandbox } from "../support/service.ts";

// The control plane with the real kubectl: replication controllers keep their count, cascading
// deletes, the service account controller. None of it needs pods to run (see
// replication-running.test.ts for what the scheduler and kubelet add).
const cluster = useSandbox("replication");
const k = cluster.kubectl;

interface Pod {
  metadata: { name: string; deletionTimestamp?: string; ownerReferences?: Record<string, unknown>[] };
}
/** The pods with these labels, without those already terminating (kubectl's view of "the RC's pods"). */
async function livePods(selector: string, namespace = "default"): Promise<Pod[]> {
  const out = await k("get", "pods", "-n", namespace, "-l", selector, "-o", "json");
  expect(out.code, out.stderr).toBe(0);
  return (JSON.parse(out.stdout).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}
/** Polls until `check` holds (or the deadline passes) and returns its last value. */
async function eventually<T>(get: () => Promise<T>, check: (value: T) => boolean, seconds = 15): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let value = await get();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await get();
  }
  return value;
}
const count = (n: number) => (pods: Pod[]) => pods.length === n;

describe("replication controllers with the real kubectl", () => {
  it("creates the tutorial RC's two pods, named after it and owned by it", async () => {
    const created = await k("create", "-f", `${tutorialManifests}/my-first.rc.json`);
    expect(created.stdout.trim()).toBe("replicationcontroller/frontend-controller created");
    const pods = await eventually(() => livePods("app=frontend"), count(2));
    expect(pods).toHaveLength(2);
    const uid = (await k("get", "rc", "frontend-controller", "-o", "jsonpath={.metadata.uid}")).stdout;
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^frontend-controller-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: "v1",
          kind: "ReplicationController",
          name: "frontend-controller",
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    const rc = await eventually(
      () => k("get", "rc", "frontend-controller"),
      (out) => /^frontend-controller\s+2\s+2\s+/m.test(out.stdout),
    );
    expect(rc.stdout).toMatch(/^frontend-controller\s+2\s+2\s+\d+\s+\d+s$/m);
    const events = await k("get", "events", "--field-selector", "involvedObject.name=frontend-controller");
    expect(events.stdout).toMatch(
      /Normal\s+SuccessfulCreate\s+replicationcontroller\/frontend-controller\s+Created pod: frontend-controller-/,
    );
  });

  it("replaces a deleted pod", async () => {
    const [victim] = await livePods("app=frontend");
    expect((await k("delete", "pod", victim?.metadata.name ?? "", "--wait=false")).code).toBe(0);
    const pods = await eventually(
      () => livePods("app=frontend"),
      (ps) => ps.length === 2 && !ps.some((p) => p.metadata.name === victim?.metadata.name),
    );
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim?.metadata.name);
    expect(pods).toHaveLength(2);
  });

  it("scales up and down with kubectl scale", async () => {
    expect((await k("create", "-f", `${tutorialManifests}/rc.yaml`)).code).toBe(0);
    expect(await eventually(() => livePods("app=nginx"), count(3))).toHaveLength(3);
    expect((await k("scale", "rc", "nginx", "--replicas=5")).stdout.trim()).toBe(
      "replicationcontroller/nginx scaled",
    );
    expect(await eventually(() => livePods("app=nginx"), count(5))).toHaveLength(5);
    expect((await k("scale", "rc", "nginx", "--replicas=1")).code).toBe(0);
    expect(await eventually(() => livePods("app=nginx"), count(1))).toHaveLength(1);
    const rc = await eventually(
      () => k("get", "rc", "nginx"),
      (out) => /^nginx\s+1\s+1\s+/m.test(out.stdout),
    );
    expect(rc.stdout).toMatch(/^nginx\s+1\s+1\s+/m);
  });

  it("deletes the pods with the RC (kubectl's background cascade)", async () => {
    expect((await k("delete", "rc", "frontend-controller")).stdout.trim()).toBe(
      'replicationcontroller "frontend-controller" deleted',
    );
    const left = await eventually(
      () => k("get", "pods", "-l", "app=frontend", "--no-headers"),
      (out) => out.stdout.trim() === "",
      20,
    );
    expect(left.stdout.trim()).toBe("");
  });

  it("keeps the pods with --cascade=orphan, without their owner reference", async () => {
    const [kept] = await livePods("app=nginx");
    const deleted = await k("delete", "rc", "nginx", "--cascade=orphan");
    expect(deleted.stdout.trim()).toBe('replicationcontroller "nginx" deleted');
    expect((await k("get", "rc", "nginx")).stderr).toMatch(/NotFound/);
    const pods = await livePods("app=nginx");
    expect(pods.map((p) => p.metadata.name)).toEqual([kept?.metadata.name]);
    expect(pods[0]?.metadata.ownerReferences).toBeUndefined();
  });

  it("waits for the pods with --cascade=foreground", async () => {
    const rc = {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "fg" },
      spec: {
        replicas: 2,
        selector: { app: "fg" },
        template: {
          metadata: { labels: { app: "fg" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    };
    const file = `${cluster.service.dataDir}/fg.json`;
    await import("node:fs/promises").then((fs) => fs.writeFile(file, JSON.stringify(rc)));
    expect((await k("create", "-f", file)).code).toBe(0);
    expect(await eventually(() => livePods("app=fg"), count(2))).toHaveLength(2);
    const deleted = await k("delete", "rc", "fg", "--cascade=foreground", "--timeout=25s");
    expect(deleted.stdout.trim()).toBe('replicationcontroller "fg" deleted');
    // kubectl waited for the RC to go, which the collector lets happen only once its pods are gone.
    expect((await k("get", "pods", "-l", "app=fg", "--no-headers")).stdout.trim()).toBe("");
  });
});

describe("what every namespace gets", () => {
  it("a default ServiceAccount and the kube-root-ca.crt ConfigMap", async () => {
    expect((await k("create", "namespace", "fresh")).code).toBe(0);
    const sa = await eventually(
      () => k("get", "serviceaccounts", "-n", "fresh", "--no-headers"),
      (out) => /^default\s+0\s+/m.test(out.stdout),
    );
    expect(sa.stdout).toMatch(/^default\s+0\s+\d+s$/m);
    const cm = await eventually(
      () => k("get", "configmaps", "-n", "fresh", "--no-headers"),
      (out) => /^kube-root-ca\.crt\s+1\s+/m.test(out.stdout),
    );
    expect(cm.stdout).toMatch(/^kube-root-ca\.crt\s+1\s+\d+s$/m);
    const ca = await k(
      "get",
      "configmap",
      "kube-root-ca.crt",
      "-n",
      "fresh",
      "-o",
      "jsonpath={.data.ca\\.crt}",
    );
    expect(ca.stdout).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // The sandbox's own namespaces have it too.
    const system = await eventually(
      () => k("get", "configmaps", "-n", "kube-system", "--no-headers"),
      (out) => /^kube-root-ca\.crt\s+1\s+/m.test(out.stdout),
    );
    expect(system.stdout).toMatch(/^kube-root-ca\.crt\s+1\s+/m);
  });
});
