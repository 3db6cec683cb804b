import { beforeAll, describe, expect, it } from "vitest";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { execInContainer } from "../../pods/exec.ts";
import { readNetworkWorld } from "../../registry/network.ts";
import { syncPod } from "../../workers/kubelet/task.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";

// What nginx and httpd serve is the container's filesystem as it is: a page exec wrote, a file
// it removed, a configMap or an emptyDir mounted at the html root — through the API's proxy, and
// through curl from a pod (another pod, or a process of the same pod that wrote a moment ago).
const t = testApp();
type Sandbox = Awaited<ReturnType<typeof t.newSandbox>>;

async function send(sb: Sandbox, method: string, path: string, body?: unknown) {
  const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : null;
}

/** A pod of this spec, scheduled and started by the scheduler and the kubelet; its object. */
async function runningPod(sb: Sandbox, name: string, spec: Pod["spec"]): Promise<Pod> {
  await send(sb, "POST", "/api/v1/namespaces/default/pods", { metadata: { name }, spec });
  const job = { sandbox: sb.sandboxId, namespace: "default", name };
  const now = Date.now();
  await schedulePod(t.database, job, { now });
  await syncPod(t.database, job, now + 1000);
  const pod = (await send(sb, "GET", `/api/v1/namespaces/default/pods/${name}`)) as Pod;
  expect(pod.status?.phase).toBe("Running");
  return pod;
}

async function exec(sb: Sandbox, pod: Pod, container: string, script: string) {
  const spec = (pod.spec?.containers ?? []).find((c) => c.name === container) as Container;
  const out = await execInContainer(t.database, sb.sandboxId, pod, spec, ["sh", "-c", script], {
    nowMs: Date.now(),
  });
  return {
    code: out.exitCode,
    stdout: out.writes
      .filter((w) => w.stream === "stdout")
      .map((w) => w.text)
      .join(""),
  };
}

/** GET through the API's proxy to a pod: status and body. */
async function proxied(sb: Sandbox, pod: string, path: string) {
  const res = await t.kube(
    sb.sandboxId,
    sb.sandboxToken,
    `/api/v1/namespaces/default/pods/${pod}/proxy${path}`,
  );
  return { status: res.status, body: await res.text() };
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await t.newSandbox("served-files");
});

describe("servers serve the container's files", () => {
  it("nginx serves the page exec wrote, a new file, and 404 for one exec removed", async () => {
    const web = await runningPod(sb, "web", { containers: [{ name: "web", image: "nginx" }] });
    const before = await proxied(sb, "web", "/");
    expect(before.body).toContain("Welcome to nginx!");
    expect((await readNetworkWorld(t.database, sb.sandboxId)).written?.has(web.metadata.uid ?? "")).toBe(
      false,
    );
    const wrote = await exec(
      sb,
      web,
      "web",
      "echo hello > /usr/share/nginx/html/index.html && echo more > /usr/share/nginx/html/more.txt && rm /usr/share/nginx/html/50x.html",
    );
    expect(wrote.code).toBe(0);
    expect((await readNetworkWorld(t.database, sb.sandboxId)).written?.has(web.metadata.uid ?? "")).toBe(
      true,
    );
    expect(await proxied(sb, "web", "/")).toEqual({ status: 200, body: "hello\n" });
    expect(await proxied(sb, "web", "/more.txt")).toEqual({ status: 200, body: "more\n" });
    expect((await proxied(sb, "web", "/50x.html")).status).toBe(404);
    // From another pod, by the pod's IP.
    const client = await runningPod(sb, "client", {
      containers: [{ name: "client", image: "centos", command: ["sleep", "3600"] }],
    });
    const curled = await exec(sb, client, "client", `curl -s http://${web.status?.podIP}/`);
    expect(curled.stdout).toBe("hello\n");
  });

  it("a process that writes the page and then curls its own nginx gets what it wrote", async () => {
    const own = await runningPod(sb, "own", { containers: [{ name: "own", image: "nginx" }] });
    const r = await exec(sb, own, "own", "echo fresh > /usr/share/nginx/html/index.html; curl -s localhost");
    expect(r.stdout).toBe("fresh\n");
  });

  it("httpd serves its htdocs as exec left them", async () => {
    const apache = await runningPod(sb, "apache", { containers: [{ name: "apache", image: "httpd" }] });
    expect((await proxied(sb, "apache", "/")).body).toContain("It works!");
    await exec(sb, apache, "apache", "echo apache > /usr/local/apache2/htdocs/index.html");
    expect(await proxied(sb, "apache", "/")).toEqual({ status: 200, body: "apache\n" });
  });

  it("a configMap mounted at the html root is what nginx serves", async () => {
    await send(sb, "POST", "/api/v1/namespaces/default/configmaps", {
      metadata: { name: "site" },
      data: { "index.html": "<h1>from a configMap</h1>\n" },
    });
    await runningPod(sb, "cm", {
      containers: [
        {
          name: "cm",
          image: "nginx",
          volumeMounts: [{ name: "site", mountPath: "/usr/share/nginx/html" }],
        },
      ],
      volumes: [{ name: "site", configMap: { name: "site" } }],
    });
    expect(await proxied(sb, "cm", "/")).toEqual({ status: 200, body: "<h1>from a configMap</h1>\n" });
    // The volume hides the image's files under it.
    expect((await proxied(sb, "cm", "/50x.html")).status).toBe(404);
  });

  it("an emptyDir a sidecar writes, mounted at nginx's html root, is served to the proxy and to the sidecar", async () => {
    const pod = await runningPod(sb, "shared", {
      containers: [
        { name: "web", image: "nginx", volumeMounts: [{ name: "html", mountPath: "/usr/share/nginx/html" }] },
        {
          name: "writer",
          image: "centos",
          command: ["sleep", "3600"],
          volumeMounts: [{ name: "html", mountPath: "/data" }],
        },
      ],
      volumes: [{ name: "html", emptyDir: {} }],
    });
    // Empty at first: nginx has no index.html.
    expect((await proxied(sb, "shared", "/")).status).toBe(404);
    await exec(sb, pod, "writer", "echo shared > /data/index.html");
    expect(await proxied(sb, "shared", "/")).toEqual({ status: 200, body: "shared\n" });
    // The sidecar's own write, not yet kept, is what nginx serves it.
    const r = await exec(sb, pod, "writer", "echo newer > /data/index.html; curl -s localhost");
    expect(r.stdout).toBe("newer\n");
    expect(await proxied(sb, "shared", "/")).toEqual({ status: 200, body: "newer\n" });
  });
});
