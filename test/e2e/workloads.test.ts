import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tutorialManifests, useSandbox } from "../support/service.ts";

const manifests = tutorialManifests;
const cluster = useSandbox("workloads");
const k = cluster.kubectl;
/** The output's lines without the header, each split on runs of spaces. */
const rows = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(/\s{2,}/));

/** Polls a kubectl command until its output matches, as a user watching the cluster would. */
async function until(args: string[], pattern: RegExp, seconds = 15): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    last = (await k(...args)).stdout;
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kubectl ${args.join(" ")} never matched ${pattern}; last output:\n${last}`);
}

describe("pods with the real kubectl", () => {
  it("runs a pod, which the scheduler and kubelet bring to Running, with the real columns", async () => {
    const run = await k("run", "nginx", "--image=nginx", "--port=80", "--labels=app=nginx");
    expect(run.stdout.trim()).toBe("pod/nginx created");
    const get = await until(["get", "pods"], /^nginx\s+1\/1\s+Running\s+0\s+\d+s$/m);
    expect(get).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    const wide = await k("get", "pods", "-o", "wide");
    expect(wide.stdout.split("\n")[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(wide.stdout).toMatch(
      /^nginx\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+node-\d\s+<none>\s+<none>$/m,
    );
    const pod = JSON.parse((await k("get", "pod", "nginx", "-o", "json")).stdout);
    expect(pod.spec.containers[0]).toMatchObject({ ports: [{ containerPort: 80, protocol: "TCP" }] });
    expect(pod.status).toMatchObject({ phase: "Running", qosClass: "BestEffort" });
    expect(
      pod.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
    ).toEqual(
      expect.arrayContaining(["PodScheduled=True", "Initialized=True", "ContainersReady=True", "Ready=True"]),
    );
    expect((await k("get", "pods", "-l", "app=nginx", "-o", "name")).stdout.trim()).toBe("pod/nginx");
  });

  it("creates the tutorial's pods from their manifests", async () => {
    const first = await k("create", "-f", `${manifests}/my-first.pod.yaml`);
    expect(first.stdout.trim()).toBe("pod/my-first-pod created");
    await until(["get", "pod", "my-first-pod"], /^my-first-pod\s+2\/2\s+Running\s+0\s+\d+s$/m);
    expect((await k("create", "namespace", "tutorial")).code).toBe(0);
    const labelled = await k("create", "-f", `${manifests}/label-nginx.yaml`, "-n", "tutorial");
    expect(labelled.stdout.trim()).toBe("pod/nginx created");
    await until(
      ["get", "pod", "nginx", "-n", "tutorial", "--show-labels"],
      /Running\s+0\s+\d+s\s+environment=staging,project=lambert,tier=frontend$/m,
    );
    const again = await k("create", "-f", `${manifests}/label-nginx.yaml`);
    expect(again.stderr.trim()).toBe(
      `Error from server (AlreadyExists): error when creating "${manifests}/label-nginx.yaml": pods "nginx" already exists`,
    );
  });

  it("refuses a bad pod with kubectl's exact message", async () => {
    const file = join(cluster.service.dataDir, "bad-pod.yaml");
    await writeFile(
      file,
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad-pod\nspec:\n  containers:\n  - name: web\n    ports:\n    - containerPort: 80\n",
    );
    const r = await k("create", "-f", file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('The Pod "bad-pod" is invalid: spec.containers[0].image: Required value');
    const two = join(cluster.service.dataDir, "bad-pod-2.yaml");
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
    const get = await until(["get", "deployments"], /^d\s+1\/1\s+1\s+1\s+\d+s$/m);
    expect(get).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    const wide = await k("get", "deploy", "d", "-o", "wide");
    expect(wide.stdout).toMatch(/^d\s+1\/1\s+1\s+1\s+\d+s\s+nginx\s+nginx\s+app=d$/m);
    const strategy = await k("get", "deploy", "d", "-o", "jsonpath={.spec.strategy.rollingUpdate.maxSurge}");
    expect(strategy.stdout).toBe("25%");
  });

  it("lists everything in the all category", async () => {
    const all = await until(["get", "all"], /^deployment\.apps\/d\s+1\/1\s+1\s+1/m);
    expect(all).toMatch(/^pod\/nginx\s+1\/1\s+Running/m);
    expect(all).toMatch(/^replicationcontroller\/nginx\s+3\s+3\s+\d+/m);
    expect(all).toMatch(/^replicaset\.apps\/d-[a-z0-9]+\s+1\s+1\s+\d/m);
    expect(all).toMatch(/^service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1/m);
  });
});
