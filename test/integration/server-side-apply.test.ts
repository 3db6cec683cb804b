import { beforeAll, describe, expect, it } from "vitest";
import { serviceAccountKind } from "../../kube/kinds/serviceaccount/index.ts";
import { createObject } from "../../registry/create.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}

/** An apply PATCH as kubectl sends it: JSON text under application/apply-patch+yaml. */
function apply(
  path: string,
  body: unknown,
  query = "fieldManager=kubectl&fieldValidation=Strict&force=false",
) {
  return kube(`${path}?${query}`, {
    method: "PATCH",
    headers: { "content-type": "application/apply-patch+yaml", accept: "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function mergePatch(path: string, body: unknown, query = "fieldManager=kubectl-label") {
  return kube(`${path}?${query}`, {
    method: "PATCH",
    headers: { "content-type": "application/merge-patch+json" },
    body: JSON.stringify(body),
  });
}

const saPath = (name: string) => `/api/v1/namespaces/default/serviceaccounts/${name}`;
const sa = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, labels },
  ...extra,
});

type Entry = {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: unknown;
  subresource?: string;
};
const managers = (obj: { metadata: { managedFields?: Entry[] } }) =>
  (obj.metadata.managedFields ?? []).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    fieldsV1: e.fieldsV1,
  }));

beforeAll(async () => {
  sb = await t.newSandbox("ssa");
});

describe("apply patch options", () => {
  it("requires a fieldManager, with the API server's 422", async () => {
    const res = await apply(saPath("nomgr"), sa("nomgr", {}), "force=false");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      reason: "Invalid",
      details: {
        name: "",
        group: "meta.k8s.io",
        kind: "PatchOptions",
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch",
            field: "fieldManager",
          },
        ],
      },
      code: 422,
    });
  });

  const refusals: {
    name: string;
    path?: string;
    body: unknown;
    query?: string;
    code: number;
    message: string;
  }[] = [
    {
      name: "force on another patch type",
      body: null,
      query: "force=true",
      code: 422,
      message:
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    },
    {
      name: "a configuration of another kind",
      body: { apiVersion: "v1", kind: "Pod", metadata: { name: "x" } },
      code: 400,
      message: "invalid object type: /v1, Kind=Pod",
    },
    {
      name: "a configuration of another version",
      body: { apiVersion: "v2", kind: "ServiceAccount", metadata: { name: "x" } },
      code: 400,
      message: "invalid object type: /v2, Kind=ServiceAccount",
    },
    {
      name: "a name other than the URL's",
      body: sa("other", {}),
      code: 400,
      message: "the name of the object (other) does not match the name on the URL (x)",
    },
    {
      name: "no name",
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: {} },
      code: 400,
      message: "the name of the object (x based on URL) was undeterminable: name must be provided",
    },
    {
      name: "another namespace than the URL's",
      body: { ...sa("x", {}), metadata: { name: "x", namespace: "kube-system" } },
      code: 400,
      message: "the namespace of the provided object does not match the namespace sent on the request",
    },
    {
      name: "managedFields in the configuration",
      body: { ...sa("x", {}), metadata: { name: "x", managedFields: [] } },
      code: 400,
      message: "metadata.managedFields must be nil",
    },
    {
      name: "YAML that is not a map",
      body: "- a\n- b\n",
      code: 400,
      message:
        "error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}",
    },
  ];
  for (const r of refusals)
    it(`refuses ${r.name}`, async () => {
      const res =
        r.query === "force=true"
          ? await mergePatch(saPath("default"), { metadata: {} }, r.query)
          : await apply(saPath("x"), r.body, r.query);
      expect(res.status).toBe(r.code);
      expect((await res.json()).message).toBe(r.message);
      expect((await kube(saPath("x"))).status).toBe(404);
    });
});

describe("server-side apply", () => {
  it("creates a missing object through the create path (201), owned by the applier", async () => {
    const res = await apply(
      saPath("web"),
      sa("web", { app: "web", tier: "fe" }, { secrets: [{ name: "tok" }] }),
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.metadata.labels).toEqual({ app: "web", tier: "fe" });
    expect(body.metadata.managedFields).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {}, "f:tier": {} } },
          "f:secrets": { 'k:{"name":"tok"}': {} },
        },
      },
    ]);
    const stored = await (await kube(saPath("web"))).json();
    expect(stored.metadata.managedFields).toEqual(body.metadata.managedFields);
  });

  it("answers the same configuration again with 200 and no new resourceVersion", async () => {
    const before = await (await kube(saPath("web"))).json();
    const res = await apply(
      saPath("web"),
      sa("web", { tier: "fe", app: "web" }, { secrets: [{ name: "tok" }] }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(body.metadata.managedFields).toEqual(before.metadata.managedFields);
  });

  it("accepts the configuration as YAML", async () => {
    const yaml =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  labels:\n    app: web\n    tier: fe\nsecrets:\n- name: tok\n";
    const res = await apply(saPath("web"), yaml);
    expect(res.status).toBe(200);
  });

  it("removes what the applier no longer applies", async () => {
    const res = await apply(saPath("web"), sa("web", { app: "web" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.labels).toEqual({ app: "web" });
    expect(body.secrets).toBeUndefined();
    expect(managers(body)).toEqual([
      { manager: "kubectl", operation: "Apply", fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } } },
    ]);
  });

  it("records other writers' Update entries and keeps what they own", async () => {
    const res = await mergePatch(saPath("web"), { metadata: { labels: { team: "blue" } } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(managers(body)).toEqual([
      { manager: "kubectl", operation: "Apply", fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } } },
      {
        manager: "kubectl-label",
        operation: "Update",
        fieldsV1: { "f:metadata": { "f:labels": { "f:team": {} } } },
      },
    ]);
    const again = await apply(saPath("web"), sa("web", { app: "web" }));
    expect((await again.json()).metadata.labels).toEqual({ app: "web", team: "blue" });
  });

  it("answers a change to another manager's field with 409 and the real message", async () => {
    const res = await apply(saPath("web"), sa("web", { app: "web", team: "red" }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 1 conflict: conflict with "kubectl-label" using v1: .metadata.labels.team',
      reason: "Conflict",
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl-label" using v1',
            field: ".metadata.labels.team",
          },
        ],
      },
      code: 409,
    });
    expect((await (await kube(saPath("web"))).json()).metadata.labels.team).toBe("blue");
  });

  it("lists every conflict, by manager", async () => {
    await mergePatch(saPath("web"), { metadata: { labels: { owner: "ops" } } }, "fieldManager=kubectl-edit");
    const res = await apply(
      saPath("web"),
      sa("web", { app: "web", team: "red", owner: "dev" }),
      "fieldManager=ci&force=false",
    );
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using v1:\n- .metadata.labels.owner\nconflicts with "kubectl-label" using v1:\n- .metadata.labels.team',
    );
    expect(body.details.causes.map((c: { field: string }) => c.field).sort()).toEqual([
      ".metadata.labels.owner",
      ".metadata.labels.team",
    ]);
  });

  it("takes the fields with force=true", async () => {
    const res = await apply(
      saPath("web"),
      sa("web", { app: "web", team: "red" }),
      "fieldManager=kubectl&force=true",
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.labels).toEqual({ app: "web", team: "red", owner: "ops" });
    expect(managers(body)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app": {}, "f:team": {} } } },
      },
      {
        manager: "kubectl-edit",
        operation: "Update",
        fieldsV1: { "f:metadata": { "f:labels": { "f:owner": {} } } },
      },
    ]);
  });

  it("does not store a dry run", async () => {
    const res = await apply(saPath("dry"), sa("dry", { a: "1" }), "fieldManager=kubectl&dryRun=All");
    expect(res.status).toBe(201);
    expect((await res.json()).metadata.managedFields[0].manager).toBe("kubectl");
    expect((await kube(saPath("dry"))).status).toBe(404);
  });

  it("applies to an object created before tracking, which before-first-apply then owns", async () => {
    const res = await apply(
      "/api/v1/namespaces/default",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "default", labels: { env: "dev" } } },
      "fieldManager=ops",
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.labels).toEqual({ env: "dev", "kubernetes.io/metadata.name": "default" });
    expect(managers(body)).toEqual([
      { manager: "ops", operation: "Apply", fieldsV1: { "f:metadata": { "f:labels": { "f:env": {} } } } },
      {
        manager: "before-first-apply",
        operation: "Update",
        fieldsV1: {
          "f:metadata": { "f:labels": { ".": {}, "f:kubernetes.io/metadata.name": {} } },
          "f:spec": { "f:finalizers": {} },
        },
      },
    ]);
  });

  it("lets kubectl take over what client-side apply set", async () => {
    const lastApplied = `${JSON.stringify(sa("csa", { app: "v1" }))}\n`;
    await createObject(
      t.database,
      sb.sandboxId,
      serviceAccountKind,
      "default",
      {
        ...sa("csa", { app: "v1" }),
        metadata: {
          name: "csa",
          labels: { app: "v1" },
          annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied },
        },
      },
      { fieldManager: "kubectl-client-side-apply" },
    );
    const res = await apply(saPath("csa"), sa("csa", { app: "v2" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata.labels).toEqual({ app: "v2" });
    expect(body.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe(
      '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"labels":{"app":"v2"},"name":"csa"}}\n',
    );
    expect(managers(body).map((m) => m.manager)).toEqual(["kubectl", "kubectl-client-side-apply"]);
  });
});

describe("managedFields on other writes", () => {
  it("records a create with its manager and fields", async () => {
    const created = await createObject(
      t.database,
      sb.sandboxId,
      serviceAccountKind,
      "default",
      sa("made", { app: "m" }),
      {
        fieldManager: "kubectl-create",
      },
    );
    expect(created.metadata.managedFields).toEqual([
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "v1",
        time: expect.any(String),
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
      },
    ]);
  });

  it("derives the manager from the User-Agent when the patch names none", async () => {
    const res = await kube(saPath("made"), {
      method: "PATCH",
      headers: {
        "content-type": "application/merge-patch+json",
        "user-agent": "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07",
      },
      body: JSON.stringify({ metadata: { labels: { via: "ua" } } }),
    });
    // Entries sort by time, then manager: both came within the same second here.
    expect(
      managers(await res.json())
        .map((m) => m.manager)
        .sort(),
    ).toEqual(["kubectl", "kubectl-create"]);
  });

  it("keeps the resourceVersion of a patch that changes nothing", async () => {
    const before = await (await kube(saPath("made"))).json();
    const res = await mergePatch(saPath("made"), { metadata: { labels: { via: "ua" } } });
    expect((await res.json()).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("resets them when a client sends an empty list", async () => {
    const res = await mergePatch(saPath("made"), { metadata: { managedFields: [] } });
    expect((await res.json()).metadata.managedFields).toBeUndefined();
    const after = await mergePatch(saPath("made"), { metadata: { labels: { more: "x" } } });
    expect((await after.json()).metadata.managedFields).toBeUndefined();
  });

  it("records status subresource writes under their subresource, and not status on the main endpoint", async () => {
    const created = await apply(
      "/api/v1/namespaces/ssa-status",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "ssa-status", labels: { a: "b" } } },
      "fieldManager=ops",
    );
    expect(created.status).toBe(201);
    const main = await mergePatch(
      "/api/v1/namespaces/ssa-status",
      { status: { phase: "Terminating" } },
      "fieldManager=edit",
    );
    expect(managers(await main.json()).map((m) => m.manager)).not.toContain("edit");
    const res = await mergePatch(
      "/api/v1/namespaces/ssa-status/status",
      { status: { conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "False" }] } },
      "fieldManager=ns-controller",
    );
    expect(res.status).toBe(200);
    const entry = (await res.json()).metadata.managedFields.find((e: Entry) => e.manager === "ns-controller");
    expect(entry).toMatchObject({
      operation: "Update",
      subresource: "status",
      fieldsV1: {
        "f:status": {
          "f:conditions": {
            ".": {},
            'k:{"type":"NamespaceDeletionDiscoveryFailure"}': { ".": {}, "f:status": {}, "f:type": {} },
          },
        },
      },
    });
  });
});

describe("server-side apply of workloads", () => {
  const deployPath = "/apis/apps/v1/namespaces/default/deployments/web";
  const deployment = (replicas: number, containers: unknown[]) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers } },
    },
  });
  const nginx = { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] };

  it("owns containers by name and ports by port and protocol", async () => {
    const res = await apply(deployPath, deployment(2, [nginx]), "fieldManager=kubectl");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.spec.strategy.type).toBe("RollingUpdate");
    expect(managers(body)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        fieldsV1: {
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"nginx"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": {
                      'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it("conflicts on .spec.replicas after another manager scaled it", async () => {
    const patched = await mergePatch(deployPath, { spec: { replicas: 3 } }, "fieldManager=kubectl-patch");
    const entry = (await patched.json()).metadata.managedFields.find(
      (e: Entry) => e.manager === "kubectl-patch",
    );
    expect(entry).toMatchObject({
      operation: "Update",
      apiVersion: "apps/v1",
      fieldsV1: { "f:spec": { "f:replicas": {} } },
    });
    const res = await apply(deployPath, deployment(2, [nginx]), "fieldManager=kubectl");
    expect(res.status).toBe(409);
    expect((await res.json()).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas',
    );
  });

  it("merges containers by name and removes the ones no longer applied", async () => {
    const sidecar = { name: "sidecar", image: "busybox" };
    const added = await apply(deployPath, deployment(3, [nginx, sidecar]), "fieldManager=kubectl");
    expect(added.status).toBe(200);
    const body = await added.json();
    expect(body.metadata.generation).toBe(3);
    expect(body.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      "nginx",
      "sidecar",
    ]);
    const removed = await apply(
      deployPath,
      deployment(3, [{ name: "nginx", image: "nginx:1.28" }]),
      "fieldManager=kubectl",
    );
    const containers = (await removed.json()).spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: "nginx",
      image: "nginx:1.28",
      imagePullPolicy: "IfNotPresent",
    });
    expect(containers[0].ports).toBeUndefined();
  });
});
