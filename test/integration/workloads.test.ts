import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { testApp } from "../support/app.ts";
import { tutorialManifests } from "../support/service.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const manifests = tutorialManifests;

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
function send(method: string, path: string, body: unknown) {
  return kube(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
async function manifest(file: string): Promise<Record<string, any>> {
  const text = await readFile(`${manifests}/${file}`, "utf8");
  return file.endsWith(".json") ? JSON.parse(text) : parse(text);
}
async function tableOf(path: string) {
  const res = await kube(path, { headers: { accept: table } });
  expect(res.status).toBe(200);
  return (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
}
const pods = "/api/v1/namespaces/default/pods";
const rcs = "/api/v1/namespaces/default/replicationcontrollers";
const deployments = "/apis/apps/v1/namespaces/default/deployments";

beforeAll(async () => {
  sb = await t.newSandbox("workloads");
});

describe("discovery of the workload kinds", () => {
  it("serves pods with their short name and subresources, and the apps group", async () => {
    const v1 = await (await kube("/api/v1")).json();
    const names = v1.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(["pods", "pods/status", "pods/log", "pods/exec", "replicationcontrollers"]),
    );
    expect(v1.resources.find((r: { name: string }) => r.name === "pods")).toMatchObject({
      shortNames: ["po"],
      categories: ["all"],
    });
    const groups = await (await kube("/apis")).json();
    expect(groups.groups.map((g: { name: string }) => g.name)).toContain("apps");
    const apps = await (await kube("/apis/apps/v1")).json();
    expect(apps.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(["deployments", "deployments/scale", "replicasets", "replicasets/status"]),
    );
  });
});

describe("pods", () => {
  it("creates the tutorial's two-container pod Pending, with the API server's defaults", async () => {
    const res = await send("POST", pods, await manifest("my-first.pod.yaml"));
    expect(res.status).toBe(201);
    const pod = await res.json();
    expect(pod.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect(pod.spec).toMatchObject({
      restartPolicy: "Always",
      serviceAccountName: "default",
      priority: 0,
      containers: [
        { name: "my-nginx", imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log" },
        {
          name: "my-centos",
          command: ["/bin/sh", "-c", "while : ; do curl http://localhost:80/; sleep 3; done"],
        },
      ],
    });
    expect(pod.spec.tolerations).toHaveLength(2);
    expect(pod.metadata).not.toHaveProperty("generation");
  });

  it("prints a pending, unscheduled pod as kubectl get pods -o wide shows it", async () => {
    const body = await tableOf(`${pods}/my-first-pod`);
    expect(body.columnDefinitions.map((c) => c.name)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    expect(body.rows[0]?.cells).toEqual([
      "my-first-pod",
      "0/2",
      "Pending",
      "0",
      expect.stringMatching(/^\d+s$/),
      "<none>",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("selects pods by status.phase and spec.restartPolicy", async () => {
    const pending = await (await kube(`${pods}?fieldSelector=status.phase%3DPending`)).json();
    expect(pending.items.map((p: any) => p.metadata.name)).toContain("my-first-pod");
    const never = await (await kube(`${pods}?fieldSelector=spec.restartPolicy%3DNever`)).json();
    expect(never.items).toEqual([]);
  });

  it.each([
    [
      "no image",
      { containers: [{ name: "c" }] },
      'Pod "bad" is invalid: spec.containers[0].image: Required value',
      [{ reason: "FieldValueRequired", message: "Required value", field: "spec.containers[0].image" }],
    ],
    [
      "a port out of range and a missing volume",
      {
        containers: [
          {
            name: "c",
            image: "nginx",
            ports: [{ containerPort: 0 }],
            volumeMounts: [{ name: "v", mountPath: "/v" }],
          },
        ],
      },
      'Pod "bad" is invalid: [spec.containers[0].ports[0].containerPort: Required value, spec.containers[0].volumeMounts[0].name: Not found: "v"]',
      [
        {
          reason: "FieldValueRequired",
          message: "Required value",
          field: "spec.containers[0].ports[0].containerPort",
        },
        {
          reason: "FieldValueNotFound",
          message: 'Not found: "v"',
          field: "spec.containers[0].volumeMounts[0].name",
        },
      ],
    ],
  ])("refuses a pod with %s with 422 and the exact causes", async (_name, spec, message, causes) => {
    const res = await send("POST", pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec });
    expect(res.status).toBe(422);
    const status = await res.json();
    expect(status).toMatchObject({
      reason: "Invalid",
      message,
      details: { name: "bad", kind: "Pod", causes },
    });
  });

  it("refuses a bad quantity with the decoder's 400", async () => {
    const res = await send("POST", pods, {
      metadata: { name: "q" },
      spec: { containers: [{ name: "c", image: "nginx", resources: { limits: { memory: "lots" } } }] },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(
      /^Pod in version "v1" cannot be handled as a Pod: quantities must match/,
    );
  });

  it("lets an update change the image but nothing else in the spec", async () => {
    const current = await (await kube(`${pods}/my-first-pod`)).json();
    current.spec.containers[0].image = "nginx:1.25";
    const ok = await send("PUT", `${pods}/my-first-pod`, current);
    expect(ok.status).toBe(200);
    const updated = await ok.json();
    expect(updated.spec.containers[0].image).toBe("nginx:1.25");
    expect(updated.status.phase).toBe("Pending");
    updated.spec.containers[0].ports = [{ containerPort: 8080 }];
    const refused = await send("PUT", `${pods}/my-first-pod`, updated);
    expect(refused.status).toBe(422);
    expect((await refused.json()).message).toMatch(
      /^Pod "my-first-pod" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
  });
});

describe("replication controllers", () => {
  it("creates the tutorial's RC from JSON, volumes: null and all", async () => {
    const res = await send("POST", rcs, await manifest("my-first.rc.json"));
    expect(res.status).toBe(201);
    const rc = await res.json();
    expect(rc.metadata).toMatchObject({ labels: { state: "serving" }, generation: 1 });
    expect(rc.spec.template.spec).not.toHaveProperty("volumes");
    expect(rc.status).toEqual({ replicas: 0 });
  });

  it("defaults an RC's selector and labels from its template", async () => {
    const body = await manifest("rc.yaml");
    delete body.spec.selector;
    const rc = await (await send("POST", rcs, body)).json();
    expect(rc.spec.selector).toEqual({ app: "nginx" });
    expect(rc.metadata.labels).toEqual({ app: "nginx" });
  });

  it("prints Name, Desired, Current, Ready, Age and the wide columns", async () => {
    const body = await tableOf(`${rcs}/frontend-controller`);
    expect(body.columnDefinitions.map((c) => c.name)).toEqual([
      "Name",
      "Desired",
      "Current",
      "Ready",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    expect(body.rows[0]?.cells).toEqual([
      "frontend-controller",
      2,
      0,
      0,
      expect.stringMatching(/^\d+s$/),
      "php-redis",
      "redis",
      "app=frontend",
    ]);
  });

  it("refuses a selector that does not match the template", async () => {
    const body = await manifest("rc.yaml");
    body.metadata.name = "mismatch";
    body.spec.selector = { app: "other" };
    const res = await send("POST", rcs, body);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'ReplicationController "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    );
  });

  it("bumps the generation on a spec change but keeps the server's status", async () => {
    const rc = await (await kube(`${rcs}/frontend-controller`)).json();
    rc.spec.replicas = 4;
    rc.status = { replicas: 99 };
    const updated = await (await send("PUT", `${rcs}/frontend-controller`, rc)).json();
    expect(updated.metadata.generation).toBe(2);
    expect(updated.status).toEqual({ replicas: 0 });
  });
});

describe("deployments", () => {
  const deployment = (name: string, selector?: unknown) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      ...(selector ? { selector } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "nginx", image: "nginx" }] },
      },
    },
  });

  it("creates a deployment with the apps/v1 defaults", async () => {
    const res = await send("POST", deployments, deployment("web", { matchLabels: { app: "web" } }));
    expect(res.status).toBe(201);
    const d = await res.json();
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    });
    expect(d.status).toEqual({});
    const body = await tableOf(deployments);
    expect(body.columnDefinitions.map((c) => c.name)).toEqual([
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    expect(body.rows[0]?.cells).toEqual([
      "web",
      "0/1",
      0,
      0,
      expect.stringMatching(/^\d+s$/),
      "nginx",
      "nginx",
      "app=web",
    ]);
  });

  it("requires a selector", async () => {
    const res = await send("POST", deployments, deployment("nosel"));
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'Deployment.apps "nosel" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"nosel"}: `selector` does not match template `labels`]',
    );
  });

  it("refuses to change the selector", async () => {
    const d = await (await kube(`${deployments}/web`)).json();
    d.spec.selector = { matchLabels: { app: "web", tier: "x" } };
    d.spec.template.metadata.labels.tier = "x";
    const res = await send("PUT", `${deployments}/web`, d);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });
});
