import { beforeAll, describe, expect, it } from "vitest";
import { syncNamespaceEndpoints, syncServiceEndpoints } from "../../workers/endpoints/task.ts";
import { testApp } from "../support/app.ts";

// The endpoints and endpointslice controllers alone: the tests write pods' status (IP,
// readiness) as the kubelet would, then run the controllers' tasks.

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const core = "/api/v1/namespaces/default";
const discovery = "/apis/discovery.k8s.io/v1/namespaces/default";

beforeAll(async () => {
  sb = await t.newSandbox("endpoints");
});

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
async function send(method: string, path: string, body: unknown, type = "application/json") {
  const res = await kube(path, { method, headers: { "content-type": type }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const get = async (path: string) => (await kube(path)).json();

/** A pod (of app=web unless told), then its status as the kubelet reports it once running. */
async function runningPod(
  name: string,
  ip: string,
  opts: { ready?: boolean; node?: string; port?: number | null; app?: string } = {},
) {
  const ports = opts.port === null ? [] : [{ name: "http", containerPort: opts.port ?? 8080 }];
  const pod = await send("POST", `${core}/pods`, {
    metadata: { name, labels: { app: opts.app ?? "web" } },
    spec: { containers: [{ name: "nginx", image: "nginx", ports }] },
  });
  pod.spec.nodeName = opts.node ?? "node-1";
  pod.status = {
    ...pod.status,
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: "192.168.49.2",
    conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
  };
  // The scheduler's binding sets the node; here the test writes it with the status.
  await send("POST", `${core}/pods/${name}/binding`, {
    apiVersion: "v1",
    kind: "Binding",
    metadata: { name },
    target: { kind: "Node", name: pod.spec.nodeName },
  });
  const bound = await get(`${core}/pods/${name}`);
  bound.status = pod.status;
  return send("PUT", `${core}/pods/${name}/status`, bound);
}

async function jobKeys(task: string): Promise<string[]> {
  const rows = await t.database.sql<{ key: string }[]>`
    SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`${sb.sandboxId}:${task}:%`}`;
  return rows.map((r) => r.key.slice(sb.sandboxId.length + 1));
}

const syncService = (name: string) =>
  syncServiceEndpoints(t.database, { sandbox: sb.sandboxId, namespace: "default", name });
const syncPods = () => syncNamespaceEndpoints(t.database, { sandbox: sb.sandboxId, namespace: "default" });
const slices = async (name: string) =>
  (await get(`${discovery}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${name}`)).items;

describe("a service with a selector", () => {
  it("gets Endpoints and a placeholder slice before any pod", async () => {
    const svc = await send("POST", `${core}/services`, {
      metadata: { name: "web", labels: { app: "web" } },
      spec: { selector: { app: "web" }, ports: [{ name: "web", port: 80, targetPort: "http" }] },
    });
    expect(await jobKeys("endpoints")).toContain("endpoints:default/web");
    await syncService("web");
    const ep = await get(`${core}/endpoints/web`);
    expect(ep.metadata.labels).toEqual({ app: "web" });
    expect(ep).not.toHaveProperty("subsets");
    const [slice, more] = await slices("web");
    expect(more).toBeUndefined();
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.generateName).toBe("web-");
    expect(slice.metadata.labels).toEqual({
      app: "web",
      "kubernetes.io/service-name": "web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    expect(slice.metadata.ownerReferences).toEqual([
      {
        apiVersion: "v1",
        kind: "Service",
        name: "web",
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice.addressType).toBe("IPv4");
    expect(slice.endpoints ?? null).toBeNull();
  });

  it("lists ready pods by IP at their named port, unready ones apart, pods without the port left out", async () => {
    const a = await runningPod("web-a", "10.244.1.5");
    const b = await runningPod("web-b", "10.244.2.3", { node: "node-2" });
    const c = await runningPod("web-c", "10.244.3.4", { node: "node-3", ready: false });
    await runningPod("web-d", "10.244.1.6", { port: null });
    await send("POST", `${core}/pods`, {
      metadata: { name: "web-e", labels: { app: "web" } },
      spec: { containers: [{ name: "x", image: "nginx" }] },
    });
    await runningPod("other", "10.244.1.7", { app: "db" });
    expect(await jobKeys("endpoints_namespace")).toEqual(["endpoints_namespace:default"]);
    await syncPods();
    const ref = (p: any) => ({
      kind: "Pod",
      namespace: "default",
      name: p.metadata.name,
      uid: p.metadata.uid,
    });
    const ep = await get(`${core}/endpoints/web`);
    expect(ep.subsets).toEqual([
      {
        addresses: [
          { ip: "10.244.1.5", nodeName: "node-1", targetRef: ref(a) },
          { ip: "10.244.2.3", nodeName: "node-2", targetRef: ref(b) },
        ],
        notReadyAddresses: [{ ip: "10.244.3.4", nodeName: "node-3", targetRef: ref(c) }],
        ports: [{ name: "web", port: 8080, protocol: "TCP" }],
      },
    ]);
    expect(ep.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"]).toMatch(
      /^\d{4}-.*Z$/,
    );
    const table = await kube(`${core}/endpoints/web`, {
      headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    expect((await table.json()).rows[0].cells[1]).toBe("10.244.1.5:8080,10.244.2.3:8080");

    const all = await slices("web");
    const served = all.find((s: any) => s.ports?.length);
    expect(served.ports).toEqual([{ name: "web", port: 8080, protocol: "TCP" }]);
    expect(served.endpoints.map((e: any) => [e.addresses[0], e.nodeName, e.conditions])).toEqual([
      ["10.244.1.5", "node-1", { ready: true, serving: true, terminating: false }],
      ["10.244.2.3", "node-2", { ready: true, serving: true, terminating: false }],
      ["10.244.3.4", "node-3", { ready: false, serving: false, terminating: false }],
    ]);
    // The pod without the named port still has an endpoint, in a slice without ports.
    const portless = all.filter((s: any) => !s.ports?.length);
    expect(portless.map((s: any) => s.endpoints.map((e: any) => e.targetRef.name))).toEqual([["web-d"]]);
  });

  it("follows a pod turning ready, and does not write when nothing changed", async () => {
    const c = await get(`${core}/pods/web-c`);
    c.status.conditions = [{ type: "Ready", status: "True" }];
    await send("PUT", `${core}/pods/web-c/status`, c);
    await syncPods();
    const ep = await get(`${core}/endpoints/web`);
    expect(ep.subsets[0].addresses.map((a: any) => a.ip)).toEqual(["10.244.1.5", "10.244.2.3", "10.244.3.4"]);
    expect(ep.subsets[0]).not.toHaveProperty("notReadyAddresses");
    const versions = [
      ep.metadata.resourceVersion,
      ...(await slices("web")).map((s: any) => s.metadata.resourceVersion),
    ];
    await syncPods();
    await syncService("web");
    const again = [
      (await get(`${core}/endpoints/web`)).metadata.resourceVersion,
      ...(await slices("web")).map((s: any) => s.metadata.resourceVersion),
    ];
    expect(again).toEqual(versions);
  });

  it("drops a pod whose labels no longer match", async () => {
    await send(
      "PATCH",
      `${core}/pods/web-b`,
      { metadata: { labels: { app: "moved" } } },
      "application/merge-patch+json",
    );
    await syncPods();
    const ep = await get(`${core}/endpoints/web`);
    expect(ep.subsets[0].addresses.map((a: any) => a.ip)).toEqual(["10.244.1.5", "10.244.3.4"]);
  });

  it("puts back a managed slice someone deleted", async () => {
    const [slice] = (await slices("web")).filter((s: any) => s.ports?.length);
    await kube(`${discovery}/endpointslices/${slice.metadata.name}`, { method: "DELETE" });
    expect(await jobKeys("endpoints")).toContain("endpoints:default/web");
    await syncService("web");
    const back = (await slices("web")).filter((s: any) => s.ports?.length);
    expect(back.map((s: any) => s.endpoints.length)).toEqual([2]);
  });

  it("takes the Endpoints and slices away with the service", async () => {
    await kube(`${core}/services/web`, { method: "DELETE" });
    await syncService("web");
    expect((await kube(`${core}/endpoints/web`)).status).toBe(404);
    expect(await slices("web")).toEqual([]);
  });
});

describe("services the controllers leave alone", () => {
  it("does not touch the kubernetes service's endpoints, nor a service without a selector", async () => {
    const before = await get(`${core}/endpoints/kubernetes`);
    await syncService("kubernetes");
    await send("POST", `${core}/services`, {
      metadata: { name: "manual" },
      spec: { ports: [{ port: 5432 }] },
    });
    await syncService("manual");
    expect((await get(`${core}/endpoints/kubernetes`)).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
    expect((await kube(`${core}/endpoints/manual`)).status).toBe(404);
  });

  it("gives a headless service's Endpoints the headless label", async () => {
    await send("POST", `${core}/services`, {
      metadata: { name: "peers" },
      spec: { clusterIP: "None", selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await syncService("peers");
    const ep = await get(`${core}/endpoints/peers`);
    expect(ep.metadata.labels).toEqual({ "service.kubernetes.io/headless": "" });
    expect(ep.subsets[0].addresses.map((a: any) => a.ip)).toEqual(["10.244.1.5", "10.244.1.6", "10.244.3.4"]);
    expect((await slices("peers"))[0].metadata.labels).toMatchObject({
      "service.kubernetes.io/headless": "",
    });
  });
});
