import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

const t = testApp();
type Sandbox = Awaited<ReturnType<typeof t.newSandbox>>;
let a: Sandbox;
let b: Sandbox;
const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const svcPath = "/api/v1/namespaces/default/services";

function kube(sb: Sandbox, path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
function create(sb: Sandbox, body: unknown) {
  return kube(sb, svcPath, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
function svc(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}
async function created(sb: Sandbox, body: unknown) {
  const res = await create(sb, body);
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json;
}
function ipNumber(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

beforeAll(async () => {
  a = await t.newSandbox("svc-a");
  b = await t.newSandbox("svc-b");
});

describe("the bootstrap kubernetes service", () => {
  it("is stored with 10.96.0.1, port https 443 → 6443 and the apiserver labels", async () => {
    const s = await (await kube(a, `${svcPath}/kubernetes`)).json();
    expect(s.metadata.labels).toEqual({ component: "apiserver", provider: "kubernetes" });
    expect(s.spec).toMatchObject({
      clusterIP: "10.96.0.1",
      clusterIPs: ["10.96.0.1"],
      type: "ClusterIP",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
    });
  });

  it("prints as kubectl shows it in a new cluster", async () => {
    const res = await kube(a, `${svcPath}/kubernetes`, { headers: { accept: table } });
    const tbl = await res.json();
    expect(tbl.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      "Name",
      "Type",
      "Cluster-IP",
      "External-IP",
      "Port(s)",
      "Age",
      "Selector",
    ]);
    expect(tbl.rows[0].cells).toEqual([
      "kubernetes",
      "ClusterIP",
      "10.96.0.1",
      "<none>",
      "443/TCP",
      expect.stringMatching(/^\d+s$/),
      "<none>",
    ]);
  });

  it("has Endpoints and an EndpointSlice at the first node's InternalIP:6443", async () => {
    const node = await (await kube(a, "/api/v1/nodes/node-1")).json();
    const ip = node.status.addresses.find((x: { type: string }) => x.type === "InternalIP").address;
    const ep = await (await kube(a, "/api/v1/namespaces/default/endpoints/kubernetes")).json();
    expect(ep.subsets).toEqual([
      { addresses: [{ ip }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] },
    ]);
    const slices = await (
      await kube(
        a,
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes",
      )
    ).json();
    expect(slices.items).toHaveLength(1);
    expect(slices.items[0]).toMatchObject({ addressType: "IPv4", endpoints: [{ addresses: [ip] }] });
    const epTable = await (
      await kube(a, "/api/v1/namespaces/default/endpoints/kubernetes", { headers: { accept: table } })
    ).json();
    expect(epTable.rows[0].cells.slice(0, 2)).toEqual(["kubernetes", `${ip}:6443`]);
  });
});

describe("creating services", () => {
  it("applies the API server's defaults and allocates a ClusterIP", async () => {
    const s = await created(a, svc("defaults", { ports: [{ port: 8080 }] }));
    expect(s.spec).toMatchObject({
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 8080, protocol: "TCP", targetPort: 8080 }],
    });
    expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
    expect(s.status).toEqual({ loadBalancer: {} });
  });

  it("gives 50 services distinct IPs inside 10.96.0.0/12, none of them 10.96.0.1", async () => {
    const ips = new Set<string>();
    for (let i = 0; i < 50; i++) ips.add((await created(a, svc(`many-${i}`))).spec.clusterIP);
    expect(ips.size).toBe(50);
    for (const ip of ips) {
      const n = ipNumber(ip);
      expect(n).toBeGreaterThan(ipNumber("10.96.0.1"));
      expect(n).toBeLessThan(ipNumber("10.112.0.0"));
    }
  });

  it("keeps each sandbox's addresses to itself", async () => {
    const inA = await created(a, svc("pinned-a", { clusterIP: "10.96.7.7" }));
    const inB = await created(b, svc("pinned-b", { clusterIP: "10.96.7.7" }));
    expect([inA.spec.clusterIP, inB.spec.clusterIP]).toEqual(["10.96.7.7", "10.96.7.7"]);
    const np = { type: "NodePort", ports: [{ port: 80, nodePort: 30555 }] };
    expect((await created(a, svc("np-a", np))).spec.ports[0].nodePort).toBe(30555);
    expect((await created(b, svc("np-b", np))).spec.ports[0].nodePort).toBe(30555);
  });

  it("leaves headless services without an address", async () => {
    const s = await created(a, svc("headless", { clusterIP: "None" }));
    expect(s.spec).toMatchObject({ clusterIP: "None", clusterIPs: ["None"], ipFamilyPolicy: "SingleStack" });
    const noSelector = await created(a, {
      ...svc("headless-manual", { clusterIP: "None" }),
      spec: { clusterIP: "None", ports: [{ port: 80 }] },
    });
    expect(noSelector.spec).toMatchObject({
      ipFamilyPolicy: "RequireDualStack",
      ipFamilies: ["IPv4", "IPv6"],
    });
  });

  it("allocates node ports in 30000-32767 for NodePort and LoadBalancer services", async () => {
    const np = await created(
      a,
      svc("nodeport", { type: "NodePort", ports: [{ port: 80, targetPort: 8080 }] }),
    );
    expect(np.spec.externalTrafficPolicy).toBe("Cluster");
    const port = np.spec.ports[0].nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(port).toBeLessThanOrEqual(32767);
    const lb = await created(a, svc("lb", { type: "LoadBalancer" }));
    expect(lb.spec.allocateLoadBalancerNodePorts).toBe(true);
    expect(lb.spec.ports[0].nodePort).not.toBe(port);
    const rows = (await (await kube(a, svcPath, { headers: { accept: table } })).json()).rows;
    const cells = (name: string) => rows.find((r: { cells: string[] }) => r.cells[0] === name).cells;
    expect(cells("nodeport").slice(1, 5)).toEqual([
      "NodePort",
      np.spec.clusterIP,
      "<none>",
      `80:${port}/TCP`,
    ]);
    expect(cells("lb")[3]).toBe("<pending>");
    expect(cells("headless")[2]).toBe("None");
  });
});

describe("refused allocations", () => {
  const cases: { name: string; body: ReturnType<typeof svc>; field: string; message: string }[] = [
    {
      name: "a taken cluster IP",
      body: svc("taken-ip", { clusterIP: "10.96.7.7" }),
      field: "spec.clusterIPs",
      message:
        'spec.clusterIPs: Invalid value: []string{"10.96.7.7"}: failed to allocate IP 10.96.7.7: provided IP is already allocated',
    },
    {
      name: "the kubernetes service's IP",
      body: svc("taken-first", { clusterIP: "10.96.0.1" }),
      field: "spec.clusterIPs",
      message:
        'spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    },
    {
      name: "a cluster IP out of range",
      body: svc("far-ip", { clusterIP: "10.0.0.5" }),
      field: "spec.clusterIPs",
      message:
        'spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    },
    {
      name: "a taken node port",
      body: svc("taken-port", { type: "NodePort", ports: [{ port: 80, nodePort: 30555 }] }),
      field: "spec.ports[0].nodePort",
      message: "spec.ports[0].nodePort: Invalid value: 30555: provided port is already allocated",
    },
    {
      name: "a node port out of range",
      body: svc("far-port", { type: "NodePort", ports: [{ port: 80, nodePort: 8080 }] }),
      field: "spec.ports[0].nodePort",
      message:
        "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767",
    },
  ];
  for (const c of cases)
    it(`answers 422 for ${c.name} and stores nothing`, async () => {
      const res = await create(a, c.body);
      expect(res.status).toBe(422);
      const status = await res.json();
      expect(status).toMatchObject({
        reason: "Invalid",
        code: 422,
        details: { kind: "Service", name: c.body.metadata.name },
      });
      expect(status.message).toBe(`Service "${c.body.metadata.name}" is invalid: ${c.message}`);
      expect(status.details.causes).toEqual([
        { reason: "FieldValueInvalid", field: c.field, message: c.message.slice(c.field.length + 2) },
      ]);
      expect((await kube(a, `${svcPath}/${c.body.metadata.name}`)).status).toBe(404);
    });
});

describe("creating a service twice", () => {
  it("answers 409 when everything was allocated, 422 when the manifest pins a node port", async () => {
    await created(a, svc("twice"));
    expect((await create(a, svc("twice"))).status).toBe(409);
    // A port no service of the sandbox holds yet: the others' node ports are picked at random.
    const list = await (await kube(a, svcPath)).json();
    const taken = new Set(
      list.items.flatMap((s: { spec: { ports?: { nodePort?: number }[] } }) =>
        (s.spec.ports ?? []).map((p) => p.nodePort),
      ),
    );
    let port = 31999;
    while (taken.has(port)) port--;
    const pinned = svc("twice-pinned", { type: "NodePort", ports: [{ port: 80, nodePort: port }] });
    await created(a, pinned);
    const again = await create(a, pinned);
    expect(again.status).toBe(422);
    expect((await again.json()).message).toBe(
      `Service "twice-pinned" is invalid: spec.ports[0].nodePort: Invalid value: ${port}: provided port is already allocated`,
    );
  });
});

describe("updating services", () => {
  it("keeps the allocated IP and node port when the manifest is resubmitted without them", async () => {
    const first = await created(a, svc("resubmit", { type: "NodePort" }));
    const body = { ...svc("resubmit", { type: "NodePort", ports: [{ port: 80 }] }) };
    (body.metadata as Record<string, unknown>).resourceVersion = first.metadata.resourceVersion;
    const res = await kube(a, `${svcPath}/resubmit`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, spec: { ...body.spec, selector: { app: "changed" } } }),
    });
    const updated = await res.json();
    expect(res.status, JSON.stringify(updated)).toBe(200);
    expect(updated.spec.clusterIP).toBe(first.spec.clusterIP);
    expect(updated.spec.ports[0].nodePort).toBe(first.spec.ports[0].nodePort);
    expect(updated.spec.selector).toEqual({ app: "changed" });
  });

  it("refuses a new cluster IP with the API server's words", async () => {
    const s = await created(a, svc("immutable"));
    const res = await kube(a, `${svcPath}/immutable`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { clusterIP: "10.96.8.8" } }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'Service "immutable" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.8.8"}: may not change once set',
    );
    expect((await (await kube(a, `${svcPath}/immutable`)).json()).spec.clusterIP).toBe(s.spec.clusterIP);
  });

  it("drops node ports when the type goes back to ClusterIP, and allocates them when it leaves it", async () => {
    await created(a, svc("switch", { type: "NodePort" }));
    const patch = (spec: unknown) =>
      kube(a, `${svcPath}/switch`, {
        method: "PATCH",
        headers: { "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ spec }),
      });
    const back = await (await patch({ type: "ClusterIP" })).json();
    expect(back.spec.ports[0].nodePort).toBeUndefined();
    expect(back.spec.externalTrafficPolicy).toBeUndefined();
    const again = await (await patch({ type: "NodePort" })).json();
    expect(again.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  });
});
