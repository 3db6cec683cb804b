import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  kubectl,
  removeDataDir,
  type Service,
  sandboxKubeconfig,
  startService,
  tutorialManifests,
} from "../support/service.ts";

const manifests = tutorialManifests;
let service: Service;
let sandbox: Awaited<ReturnType<typeof sandboxKubeconfig>>;
const k = (...args: string[]) => kubectl(sandbox.path, args);
/** The output's lines without the header, each split on runs of spaces. */
const rows = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(/\s{2,}/));

beforeAll(async () => {
  service = await startService(inject("databaseUrl"));
  sandbox = await sandboxKubeconfig(service, "workloads");
});

afterAll(async () => {
  const code = await service?.stop();
  expect(code).toBe(0);
  await removeDataDir(service.dataDir);
});

describe("pods with the real kubectl", () => {
  it("runs a pod and lists it Pending, unscheduled, with the real columns", async () => {
    const run = await k("run", "nginx", "--image=nginx", "--port=80", "--labels=app=nginx");
    expect(run.stdout.trim()).toBe("pod/nginx created");
    const get = await k("get", "pods");
    expect(get.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(get.stdout).toMatch(/^nginx\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await k("get", "pods", "-o", "wide");
    expect(wide.stdout.split("\n")[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(wide.stdout).toMatch(/^nginx\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>$/m);
    const pod = JSON.parse((await k("get", "pod", "nginx", "-o", "json")).stdout);
    expect(pod.spec.containers[0]).toMatchObject({ ports: [{ containerPort: 80, protocol: "TCP" }] });
    expect(pod.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect((await k("get", "pods", "-l", "app=nginx", "-o", "name")).stdout.trim()).toBe("pod/nginx");
  });

  it("creates the tutorial's pods from their manifests", async () => {
    const first = await k("create", "-f", `${manifests}/my-first.pod.yaml`);
    expect(first.stdout.trim()).toBe("pod/my-first-pod created");
    expect((await k("get", "pod", "my-first-pod")).stdout).toMatch(
      /^my-first-pod\s+0\/2\s+Pending\s+0\s+\d+s$/m,
    );
    expect((await k("create", "namespace", "tutorial")).code).toBe(0);
    const labelled = await k("create", "-f", `${manifests}/label-nginx.yaml`, "-n", "tutorial");
    expect(labelled.stdout.trim()).toBe("pod/nginx created");
    const shown = await k("get", "pod", "nginx", "-n", "tutorial", "--show-labels");
    expect(shown.stdout).toMatch(/Pending\s+0\s+\d+s\s+environment=staging,project=lambert,tier=frontend$/m);
    const again = await k("create", "-f", `${manifests}/label-nginx.yaml`);
    expect(again.stderr.trim()).toBe(
      `Error from server (AlreadyExists): error when creating "${manifests}/label-nginx.yaml": pods "nginx" already exists`,
    );
  });

  it("refuses a bad pod with kubectl's exact message", async () => {
    const file = join(service.dataDir, "bad-pod.yaml");
    await writeFile(
      file,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad-pod\nspec:\n  containers:\n  - name: web\n    ports:\n    - containerPort: 80\n",
    );
    const r = await k("create", "-f", file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('The Pod "bad-pod" is invalid: spec.containers[0].image: Required value');
    const two = join(service.dataDir, "bad-pod-2.yaml");
    await writeFile(
      two,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad-pod\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: Web\n    image: nginx\n",
    );
    const r2 = await k("create", "-f", two);
    expect(r2.stderr.trim().split("\n")).toEqual([
      'The Pod "bad-pod" is invalid: ',
      `* spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      '* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });
});

describe("controllers with the real kubectl", () => {
  it("creates the tutorial's replication controllers and lists them", async () => {
    expect((await k("create", "-f", `${manifests}/rc.yaml`)).stdout.trim()).toBe(
      "replicationcontroller/nginx created",
    );
    expect((await k("create", "-f", `${manifests}/my-first.rc.json`)).stdout.trim()).toBe(
      "replicationcontroller/frontend-controller created",
    );
    const get = await k("get", "rc");
    expect(get.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\n/);
    // CURRENT and READY follow the controller and the kubelet; DESIRED is the spec.
    expect(rows(get.stdout).map((r) => r.slice(0, 2))).toEqual(
      expect.arrayContaining([
        ["nginx", "3"],
        ["frontend-controller", "2"],
      ]),
    );
    const wide = await k("get", "rc", "nginx", "-o", "wide");
    expect(wide.stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    expect(wide.stdout).toMatch(/^nginx\s+3\s+\d+\s+\d+\s+\d+s\s+nginx\s+nginx\s+app=nginx$/m);
  });

  it("creates a deployment imperatively (protobuf) with the apps/v1 defaults", async () => {
    expect((await k("create", "deployment", "d", "--image=nginx")).stdout.trim()).toBe(
      "deployment.apps/d created",
    );
    const get = await k("get", "deployments");
    expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(get.stdout).toMatch(/^d\s+0\/1\s+0\s+0\s+\d+s$/m);
    const wide = await k("get", "deploy", "d", "-o", "wide");
    expect(wide.stdout).toMatch(/^d\s+0\/1\s+0\s+0\s+\d+s\s+nginx\s+nginx\s+app=d$/m);
    const strategy = await k("get", "deploy", "d", "-o", "jsonpath={.spec.strategy.rollingUpdate.maxSurge}");
    expect(strategy.stdout).toBe("25%");
  });

  it("lists everything in the all category", async () => {
    const all = await k("get", "all");
    expect(all.stdout).toMatch(/^pod\/nginx\s+0\/1\s+Pending/m);
    expect(all.stdout).toMatch(/^replicationcontroller\/nginx\s+3\s+\d+\s+\d+/m);
    expect(all.stdout).toMatch(/^deployment\.apps\/d\s+0\/1\s+0\s+0/m);
  });
});
