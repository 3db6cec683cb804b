import { beforeAll, describe, expect, it } from "vitest";
import { kindByResource } from "../../kube/kinds/index.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
/** Pods come from their own kind; the pod cases run once it is served. */
const podsServed = kindByResource("", "v1", "pods") !== undefined;

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
function send(method: string, path: string, body: unknown) {
  return kube(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
const post = (path: string, body: unknown) => send("POST", path, body);
const ns = (name: string) => `/api/v1/namespaces/${name}`;

async function createNamespace(name: string) {
  expect((await post("/api/v1/namespaces", { metadata: { name } })).status).toBe(201);
}

function configMap(name: string, data: Record<string, string> = {}) {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data };
}

function pod(name: string, resources?: Record<string, Record<string, string>>) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "c", image: "nginx", ...(resources ? { resources } : {}) }] },
  };
}

async function quota(namespace: string, name: string) {
  return (await kube(`${ns(namespace)}/resourcequotas/${name}`)).json();
}

beforeAll(async () => {
  sb = await t.newSandbox("quota");
  for (const name of ["limits-a", "quota-a", "quota-b", "cm-a"]) await createNamespace(name);
});

describe("LimitRange", () => {
  it("defaults a Container item (default from max, defaultRequest from default) and stores canonical quantities", async () => {
    const res = await post(`${ns("limits-a")}/limitranges`, {
      metadata: { name: "mylimits" },
      spec: {
        limits: [
          { type: "Pod", max: { cpu: "2", memory: "1Gi" }, min: { cpu: "200m", memory: "6Mi" } },
          { type: "Container", max: { cpu: 2, memory: "1024Mi" }, min: { cpu: "0.1", memory: "3Mi" } },
        ],
      },
    });
    expect(res.status).toBe(201);
    const lr = await res.json();
    expect(lr.spec.limits[1]).toEqual({
      type: "Container",
      max: { cpu: "2", memory: "1Gi" },
      min: { cpu: "100m", memory: "3Mi" },
      default: { cpu: "2", memory: "1Gi" },
      defaultRequest: { cpu: "2", memory: "1Gi" },
    });
    expect(lr.spec.limits[0].default).toBeUndefined();
  });

  const bad = [
    {
      name: "min above max",
      item: { type: "Container", min: { cpu: "2" }, max: { cpu: "1" } },
      causes: [
        {
          field: "spec.limits[0].min[cpu]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:2, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2", Format:"DecimalSI"}: min value 2 is greater than max value 1',
        },
        // The defaulted default (= max) is then below the min, reported with the min's value.
        {
          field: "spec.limits[0].defaultRequest[cpu]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1", Format:"DecimalSI"}: min value 2 is greater than default request value 1',
        },
        {
          field: "spec.limits[0].default[cpu]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:2, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2", Format:"DecimalSI"}: min value 2 is greater than default value 1',
        },
      ],
    },
    {
      name: "default above max",
      item: { type: "Container", default: { memory: "2Gi" }, max: { memory: "1Gi" } },
      causes: [
        {
          field: "spec.limits[0].defaultRequest[memory]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:2147483648, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2Gi", Format:"BinarySI"}: default request value 2Gi is greater than max value 1Gi',
        },
        {
          field: "spec.limits[0].default[memory]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:1073741824, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1Gi", Format:"BinarySI"}: default value 2Gi is greater than max value 1Gi',
        },
      ],
    },
    {
      name: "defaults on a Pod item, and a ratio below 1",
      item: { type: "Pod", default: { cpu: "1" }, maxLimitRequestRatio: { cpu: "500m" } },
      causes: [
        { field: "spec.limits[0].default", message: "Forbidden: may not be specified when `type` is 'Pod'" },
        {
          field: "spec.limits[0].maxLimitRequestRatio[cpu]",
          message:
            'Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"500m", Format:"DecimalSI"}: ratio 500m is less than 1',
        },
      ],
    },
    {
      name: "an unknown type and resource",
      item: { type: "Thing", max: { pods: "1" } },
      causes: [
        {
          field: "spec.limits[0].type",
          message: 'Invalid value: "Thing": must be a standard limit type or fully qualified',
        },
      ],
    },
    {
      name: "a resource containers cannot use",
      item: { type: "Container", max: { pods: "1" } },
      causes: [
        {
          field: "spec.limits[0].max[pods]",
          message: 'Invalid value: "pods": must be a standard resource for containers',
        },
        {
          field: "spec.limits[0].default[pods]",
          message: 'Invalid value: "pods": must be a standard resource for containers',
        },
        {
          field: "spec.limits[0].defaultRequest[pods]",
          message: 'Invalid value: "pods": must be a standard resource for containers',
        },
      ],
    },
  ];
  for (const c of bad)
    it(`refuses ${c.name} with the API server's causes`, async () => {
      const res = await post(`${ns("limits-a")}/limitranges`, {
        metadata: { name: "bad" },
        spec: { limits: [c.item] },
      });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(
        body.details.causes.map((x: { field: string; message: string }) => ({
          field: x.field,
          message: x.message,
        })),
      ).toEqual(c.causes);
      expect((await kube(`${ns("limits-a")}/limitranges/bad`)).status).toBe(404);
    });

  it("refuses a malformed quantity as the decoder does (400)", async () => {
    const res = await post(`${ns("limits-a")}/limitranges`, {
      metadata: { name: "bad" },
      spec: { limits: [{ type: "Container", max: { cpu: "lots" } }] },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      `LimitRange in version "v1" cannot be handled as a LimitRange: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  });

  it("prints Name and Created At (the API server's default table)", async () => {
    const body = await (await kube(`${ns("limits-a")}/limitranges`, { headers: { accept: table } })).json();
    expect(body.columnDefinitions.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual([
      "Name:string",
      "Created At:date",
    ]);
    expect(body.rows[0].cells[0]).toBe("mylimits");
    expect(body.rows[0].cells[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe("ConfigMap", () => {
  it("stores data and prints the key count", async () => {
    const res = await post(`${ns("cm-a")}/configmaps`, {
      ...configMap("game", { "game.properties": "lives=3", ui: "dark" }),
      binaryData: { "logo.png": "iVBORw0K" },
    });
    expect(res.status).toBe(201);
    const body = await (await kube(`${ns("cm-a")}/configmaps/game`, { headers: { accept: table } })).json();
    expect(body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(["Name", "Data", "Age"]);
    expect(body.rows[0].cells.slice(0, 2)).toEqual(["game", 3]);
  });

  const bad = [
    {
      name: "a key with a slash",
      body: configMap("k", { "a/b": "x" }),
      message: `ConfigMap "k" is invalid: data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    },
    {
      name: "a key in both data and binaryData",
      body: { ...configMap("k", { a: "x" }), binaryData: { a: "eA==" } },
      message:
        'ConfigMap "k" is invalid: data[a]: Invalid value: "a": duplicate of key present in binaryData',
    },
    {
      name: "a key '..x'",
      body: configMap("k", { "..x": "y" }),
      message: `ConfigMap "k" is invalid: data[..x]: Invalid value: "..x": must not start with '..'`,
    },
    {
      name: "more than 1 MiB",
      body: { ...configMap("k", { a: "x".repeat(1024 * 1024) }), binaryData: { b: "eA==" } },
      message: 'ConfigMap "k" is invalid: []: Too long: may not be more than 1048576 bytes',
    },
  ];
  for (const c of bad)
    it(`refuses ${c.name}`, async () => {
      const res = await post(`${ns("cm-a")}/configmaps`, c.body);
      expect(res.status).toBe(422);
      expect((await res.json()).message).toBe(c.message);
    });

  it("refuses bad base64 in binaryData as the decoder does", async () => {
    const res = await post(`${ns("cm-a")}/configmaps`, { ...configMap("k"), binaryData: { a: "e!==" } });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 1',
    );
  });

  it("keeps an immutable ConfigMap's data and its immutability", async () => {
    expect(
      (await post(`${ns("cm-a")}/configmaps`, { ...configMap("frozen", { a: "1" }), immutable: true }))
        .status,
    ).toBe(201);
    const res = await send("PUT", `${ns("cm-a")}/configmaps/frozen`, {
      ...configMap("frozen", { a: "2" }),
      immutable: false,
    });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'ConfigMap "frozen" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set]',
    );
    const labelled = await send("PUT", `${ns("cm-a")}/configmaps/frozen`, {
      ...configMap("frozen", { a: "1" }),
      metadata: { name: "frozen", labels: { ok: "yes" } },
      immutable: true,
    });
    expect(labelled.status).toBe(200);
  });
});

describe("ResourceQuota", () => {
  it("computes its status at once, counting what the namespace holds", async () => {
    expect((await post(`${ns("quota-a")}/configmaps`, configMap("one"))).status).toBe(201);
    const res = await post(`${ns("quota-a")}/resourcequotas`, {
      metadata: { name: "object-counts" },
      spec: { hard: { configmaps: "2", "count/secrets": "5", pods: "4", resourcequotas: "1" } },
      status: { used: { configmaps: "100" } },
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.status).toEqual({
      hard: { configmaps: "2", "count/secrets": "5", pods: "4", resourcequotas: "1" },
      used: { configmaps: "1", "count/secrets": "0", pods: "0", resourcequotas: "1" },
    });
  });

  it("charges a create and refuses the one that would exceed it, storing nothing", async () => {
    expect((await post(`${ns("quota-a")}/configmaps`, configMap("two"))).status).toBe(201);
    expect((await quota("quota-a", "object-counts")).status.used.configmaps).toBe("2");
    const res = await post(`${ns("quota-a")}/configmaps`, configMap("three"));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      reason: "Forbidden",
      code: 403,
      message:
        'configmaps "three" is forbidden: exceeded quota: object-counts, requested: configmaps=1, used: configmaps=2, limited: configmaps=2',
      details: { name: "three", kind: "configmaps" },
    });
    expect((await kube(`${ns("quota-a")}/configmaps/three`)).status).toBe(404);
    expect((await quota("quota-a", "object-counts")).status.used.configmaps).toBe("2");
  });

  it("counts quotas themselves, refusing a second one", async () => {
    const res = await post(`${ns("quota-a")}/resourcequotas`, {
      metadata: { name: "second" },
      spec: { hard: { pods: "1" } },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe(
      'resourcequotas "second" is forbidden: exceeded quota: object-counts, requested: resourcequotas=1, used: resourcequotas=1, limited: resourcequotas=1',
    );
  });

  it("releases usage on delete", async () => {
    expect((await kube(`${ns("quota-a")}/configmaps/one`, { method: "DELETE" })).status).toBe(200);
    expect((await quota("quota-a", "object-counts")).status.used.configmaps).toBe("1");
    expect((await post(`${ns("quota-a")}/configmaps`, configMap("three"))).status).toBe(201);
  });

  it("recomputes status when the spec changes, and keeps status off the main endpoint", async () => {
    const current = await quota("quota-a", "object-counts");
    current.spec.hard.configmaps = "10";
    current.status = { used: { configmaps: "0" } };
    const res = await send("PUT", `${ns("quota-a")}/resourcequotas/object-counts`, current);
    expect(res.status).toBe(200);
    expect((await res.json()).status.hard.configmaps).toBe("10");
    expect((await quota("quota-a", "object-counts")).status.used.configmaps).toBe("2");
  });

  it("prints Request and Limit columns as printResourceQuota does", async () => {
    expect(
      (
        await post(`${ns("quota-b")}/resourcequotas`, {
          metadata: { name: "compute" },
          spec: { hard: { "requests.cpu": "1", "limits.memory": "2Gi", pods: "10", "limits.cpu": "2" } },
        })
      ).status,
    ).toBe(201);
    const body = await (
      await kube(`${ns("quota-b")}/resourcequotas/compute`, { headers: { accept: table } })
    ).json();
    expect(body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      "Name",
      "Request",
      "Limit",
      "Age",
    ]);
    expect(body.rows[0].cells.slice(0, 3)).toEqual([
      "compute",
      "pods: 0/10, requests.cpu: 0/1",
      "limits.cpu: 0/2, limits.memory: 0/2Gi",
    ]);
  });

  it("stores nothing when nothing it counts changed", async () => {
    const before = (await quota("quota-b", "compute")).metadata.resourceVersion;
    expect((await post(`${ns("quota-b")}/configmaps`, configMap("unrelated"))).status).toBe(201);
    expect((await kube(`${ns("quota-b")}/configmaps/unrelated`, { method: "DELETE" })).status).toBe(200);
    const same = await quota("quota-b", "compute");
    expect(same.metadata.resourceVersion).toBe(before);
    const put = await send("PUT", `${ns("quota-b")}/resourcequotas/compute`, same);
    expect((await put.json()).metadata.resourceVersion).toBe(before);
  });

  const bad = [
    {
      name: "an unknown resource",
      hard: { widgets: "1" },
      message:
        'ResourceQuota "bad" is invalid: [spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified, spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota]',
    },
    {
      name: "a negative limit",
      hard: { cpu: "-1" },
      message:
        'ResourceQuota "bad" is invalid: spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    },
    {
      name: "a fractional count",
      hard: { pods: "1500m" },
      message:
        'ResourceQuota "bad" is invalid: spec.hard[pods]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1500m", Format:"DecimalSI"}: must be an integer',
    },
  ];
  for (const c of bad)
    it(`refuses ${c.name}`, async () => {
      const res = await post(`${ns("quota-b")}/resourcequotas`, {
        metadata: { name: "bad" },
        spec: { hard: c.hard },
      });
      expect(res.status).toBe(422);
      expect((await res.json()).message).toBe(c.message);
    });
});

describe("Event", () => {
  it("lists by involvedObject field selectors, as kubectl describe asks, and prints printEvent's columns", async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    const event = (name: string, object: string) => ({
      metadata: { name },
      involvedObject: { kind: "Pod", namespace: "cm-a", name: object, uid: `uid-${object}` },
      reason: "Scheduled",
      message: `Successfully assigned cm-a/${object} to node-1 `,
      source: { component: "default-scheduler" },
      type: "Normal",
      count: 1,
      firstTimestamp: tenMinutesAgo,
      lastTimestamp: tenMinutesAgo,
    });
    for (const [name, object] of [
      ["web.1", "web"],
      ["db.1", "db"],
    ] as const)
      expect((await post(`${ns("cm-a")}/events`, event(name, object))).status).toBe(201);
    const selector = encodeURIComponent(
      "involvedObject.name=web,involvedObject.namespace=cm-a,involvedObject.uid=uid-web",
    );
    const list = await (await kube(`${ns("cm-a")}/events?fieldSelector=${selector}`)).json();
    expect(list.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(["web.1"]);
    const printed = await (await kube(`${ns("cm-a")}/events/web.1`, { headers: { accept: table } })).json();
    expect(
      printed.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}/${c.priority}`),
    ).toEqual([
      "Last Seen/0",
      "Type/0",
      "Reason/0",
      "Object/0",
      "Subobject/1",
      "Source/1",
      "Message/0",
      "First Seen/1",
      "Count/1",
      "Name/1",
    ]);
    const cells = printed.rows[0].cells;
    expect(cells).toEqual([
      "10m",
      "Normal",
      "Scheduled",
      "pod/web",
      "",
      "default-scheduler",
      "Successfully assigned cm-a/web to node-1",
      "10m",
      1,
      "web.1",
    ]);
  });

  it("refuses an event whose object lives in another namespace", async () => {
    const res = await post(`${ns("cm-a")}/events`, {
      metadata: { name: "x.1" },
      involvedObject: { kind: "Pod", namespace: "other", name: "x" },
    });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'Event "x.1" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    );
  });
});

describe.runIf(podsServed)("LimitRanger and ResourceQuota on pods", () => {
  beforeAll(async () => {
    await createNamespace("pods-limits");
    const res = await post(`${ns("pods-limits")}/limitranges`, {
      metadata: { name: "limits" },
      spec: {
        limits: [
          {
            type: "Container",
            min: { cpu: "100m", memory: "6Mi" },
            max: { cpu: "800m", memory: "1Gi" },
            default: { memory: "512Mi" },
            defaultRequest: { memory: "256Mi", cpu: "200m" },
          },
        ],
      },
    });
    expect(res.status).toBe(201);
  });

  it("applies the LimitRange defaults to a pod without resources, and says so", async () => {
    const res = await post(`${ns("pods-limits")}/pods`, pod("plain"));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.spec.containers[0].resources).toEqual({
      limits: { cpu: "800m", memory: "512Mi" },
      requests: { cpu: "200m", memory: "256Mi" },
    });
    expect(created.metadata.annotations["kubernetes.io/limit-ranger"]).toBe(
      "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c",
    );
    // The QoS class follows the defaulted resources (requests below limits: Burstable, not BestEffort).
    expect(created.status.qosClass).toBe("Burstable");
  });

  it("refuses a pod outside the bounds with every violation, and stores nothing", async () => {
    const res = await post(
      `${ns("pods-limits")}/pods`,
      pod("p", { requests: { memory: "5Mi", cpu: "100m" }, limits: { cpu: "1", memory: "100Mi" } }),
    );
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe(
      'pods "p" is forbidden: [minimum memory usage per Container is 6Mi, but request is 5Mi, maximum cpu usage per Container is 800m, but limit is 1]',
    );
    expect((await kube(`${ns("pods-limits")}/pods/p`)).status).toBe(404);
  });

  it("counts pods against a quota, refuses past it, and frees the slot on delete", async () => {
    await createNamespace("pods-quota");
    expect(
      (
        await post(`${ns("pods-quota")}/resourcequotas`, {
          metadata: { name: "compute-resources" },
          spec: { hard: { pods: "1" } },
        })
      ).status,
    ).toBe(201);
    expect((await post(`${ns("pods-quota")}/pods`, pod("first"))).status).toBe(201);
    expect((await quota("pods-quota", "compute-resources")).status.used).toEqual({ pods: "1" });
    const refused = await post(`${ns("pods-quota")}/pods`, pod("second"));
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe(
      'pods "second" is forbidden: exceeded quota: compute-resources, requested: pods=1, used: pods=1, limited: pods=1',
    );
    await kube(`${ns("pods-quota")}/pods/first?gracePeriodSeconds=0`, { method: "DELETE" });
    await expect
      .poll(async () => (await quota("pods-quota", "compute-resources")).status.used.pods)
      .toBe("0");
  });

  it("requires the compute resources a quota tracks, and sums what pods request", async () => {
    await createNamespace("pods-compute");
    const hard = { "requests.cpu": "1", "limits.cpu": "2", "requests.memory": "1Gi", "limits.memory": "2Gi" };
    expect(
      (await post(`${ns("pods-compute")}/resourcequotas`, { metadata: { name: "compute" }, spec: { hard } }))
        .status,
    ).toBe(201);
    const missing = await post(`${ns("pods-compute")}/pods`, pod("p", { requests: { cpu: "500m" } }));
    expect(missing.status).toBe(403);
    expect((await missing.json()).message).toBe(
      'pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: c; limits.memory for: c; requests.memory for: c',
    );
    const resources = { requests: { cpu: "500m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };
    expect((await post(`${ns("pods-compute")}/pods`, pod("a", resources))).status).toBe(201);
    expect((await post(`${ns("pods-compute")}/pods`, pod("b", resources))).status).toBe(201);
    expect((await quota("pods-compute", "compute")).status.used).toEqual({
      "limits.cpu": "2",
      "limits.memory": "512Mi",
      "requests.cpu": "1",
      "requests.memory": "256Mi",
    });
    const over = await post(`${ns("pods-compute")}/pods`, pod("c", resources));
    expect((await over.json()).message).toBe(
      'pods "c" is forbidden: exceeded quota: compute, requested: limits.cpu=1,requests.cpu=500m, used: limits.cpu=2,requests.cpu=1, limited: limits.cpu=2,requests.cpu=1',
    );
  });
});
