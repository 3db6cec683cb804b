import { beforeAll, describe, expect, it } from "vitest";
import { readNetworkWorld } from "../../db/pods/network-read.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { execInContainer } from "../../pods/exec.ts";
import { syncPod } from "../../workers/kubelet/task.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";
import { kubeSender } from "../support/kube-send.ts";

// What nginx and httpd serve is the container's filesystem as it is: a page exec wrote, a file
// it removed, a configMap or an emptyDir mounted at the html root — through the API's proxy, and
// through curl from a pod (another pod, or a process of the same pod that wrote a moment ago).
const t = testApp();
type Sandbox = Awaited<ReturnType<typeof t.newSandbox>>;

const send = kubeSender(t);

/** A pod of this spec, scheduled and started by the scheduler and the kubelet; its object. */
async function runningPod(sb: Sandbox, name: string, spec: Pod["spec"]): Promise<Pod> {
  await send(sb, "POST", "/api/v1/namespaces/default/pods", { metadata: { name }, spec });
  const job = { sandbox: sb.sandboxId, namespace: "default", name };
  const now = Date.now();
  await schedulePod(t.database, job, { now });
  await syncPod(t.database, job, now + 1000);
  // A pod bound by its spec is taken on by the first sync and started by the next.
  if (spec?.nodeName) await syncPod(t.database, job, now + 2000);
  const pod = (await send(sb, "GET", `/api/v1/namespaces/default/pods/${name}`)) as Pod;
  expect(pod.status?.phase).toBe("Running");
  return pod;
}

async function exec(sb: Sandbox, pod: Pod, container: string, script: string, nowMs = Date.now()) {
  const spec = (pod.spec?.containers ?? []).find((c) => c.name === container) as Container;
  const out = await execInContainer(t.database, sb.sandboxId, pod, spec, ["sh", "-c", script], {
    nowMs,
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

  it("a hostPath at the html root serves what was written there, by this pod or another on the node", async () => {
    const spec = (name: string, node: string): Pod["spec"] => ({
      nodeName: node,
      containers: [
        { name, image: "nginx", volumeMounts: [{ name: "site", mountPath: "/usr/share/nginx/html" }] },
      ],
      volumes: [{ name: "site", hostPath: { path: "/srv/site" } }],
    });
    const node = ((await send(sb, "GET", "/api/v1/nodes")) as { items: { metadata: { name: string } }[] })
      .items[0]?.metadata.name as string;
    const first = await runningPod(sb, "host-a", spec("host-a", node));
    await runningPod(sb, "host-b", spec("host-b", node));
    expect((await proxied(sb, "host-b", "/")).status).toBe(404);
    await exec(sb, first, "host-a", "echo on the node > /usr/share/nginx/html/index.html");
    expect(await proxied(sb, "host-b", "/")).toEqual({ status: 200, body: "on the node\n" });
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

/** The pod_files rows of a pod, by scope prefix ("m/", "c/", "v/"). */
async function scopes(sb: Sandbox, pod: Pod): Promise<string[]> {
  const rows = await t.database.sql<{ scope: string; path: string }[]>`
    SELECT scope, path FROM pod_files WHERE sandbox_id = ${sb.sandboxId} AND pod_uid = ${pod.metadata.uid ?? ""}
    ORDER BY scope, path`;
  return rows.map((r) => `${r.scope.replace(/\/[0-9a-f]{64}$/, "")} ${r.path}`);
}

describe("what a container's main process writes is kept, once per run", () => {
  it("exec reads the file the command wrote; a logs request writes nothing; a second exec evaluates nothing again", async () => {
    const pod = await runningPod(sb, "starter", {
      containers: [
        { name: "main", image: "centos", command: ["sh", "-c", "echo started > /tmp/x; sleep 3600"] },
      ],
    });
    const logs = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods/starter/log");
    expect(logs.status).toBe(200);
    expect(await scopes(sb, pod)).toEqual([]);
    const r = await exec(sb, pod, "main", "cat /tmp/x");
    expect(r).toEqual({ code: 0, stdout: "started\n" });
    expect(await scopes(sb, pod)).toEqual(["m/main /", "m/main /tmp/x"]);
    // exec's own write goes to the container's layer, over the main process's.
    await exec(sb, pod, "main", "echo again >> /tmp/x");
    expect((await exec(sb, pod, "main", "cat /tmp/x")).stdout).toBe("started\nagain\n");
    expect(await scopes(sb, pod)).toEqual(["c/main /tmp/x", "m/main /", "m/main /tmp/x"]);
  });

  it("the log of a process whose files were kept shows what it printed once, not its kept writes again", async () => {
    const pod = await runningPod(sb, "appender", {
      containers: [
        { name: "main", image: "busybox", command: ["sh", "-c", "echo a >> /tmp/f; cat /tmp/f; sleep 3600"] },
      ],
    });
    expect((await exec(sb, pod, "main", "cat /tmp/f")).stdout).toBe("a\n");
    const logs = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods/appender/log");
    expect(await logs.text()).toBe("a\n");
  });

  it("a sidecar's command writing an emptyDir is what nginx serves (the two-container pod of the docs)", async () => {
    await runningPod(sb, "two-containers", {
      restartPolicy: "Never",
      containers: [
        {
          name: "nginx-container",
          image: "nginx",
          volumeMounts: [{ name: "shared-data", mountPath: "/usr/share/nginx/html" }],
        },
        {
          name: "debian-container",
          image: "debian",
          command: ["/bin/sh"],
          args: ["-c", "echo Hello from the debian container > /pod-data/index.html"],
          volumeMounts: [{ name: "shared-data", mountPath: "/pod-data" }],
        },
      ],
      volumes: [{ name: "shared-data", emptyDir: {} }],
    });
    expect(await proxied(sb, "two-containers", "/")).toEqual({
      status: 200,
      body: "Hello from the debian container\n",
    });
  });

  it("a restart loses the container's layer and keeps its volumes", async () => {
    const pod = await runningPod(sb, "restarts", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "echo run >> /data/runs; echo mine > /tmp/mine; sleep 3600"],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
    });
    await exec(sb, pod, "main", "echo by-exec > /tmp/by-exec");
    expect((await exec(sb, pod, "main", "cat /tmp/mine /tmp/by-exec /data/runs")).stdout).toBe(
      "mine\nby-exec\nrun\n",
    );
    // The runtime's next run of the container (as the kubelet writes it on a restart).
    const status = pod.status?.containerStatuses?.[0];
    const restarted = (await send(sb, "PUT", "/api/v1/namespaces/default/pods/restarts/status", {
      ...pod,
      status: {
        ...pod.status,
        containerStatuses: [
          {
            ...status,
            restartCount: 1,
            containerID: `containerd://${"f".repeat(64)}`,
            state: { running: { startedAt: new Date().toISOString() } },
          },
        ],
      },
    })) as Pod;
    const after = await exec(sb, restarted, "main", "cat /tmp/mine /data/runs; cat /tmp/by-exec");
    expect(after.stdout).toBe("mine\nrun\nrun\n");
    expect(after.code).toBe(1);
  });
});

describe("a program still running goes on writing", () => {
  /** When the pod's first container started, in ms. */
  const startOf = (pod: Pod) =>
    Date.parse(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? "");

  it("exec sees the lines a loop appended since the last look, to its layer and to a volume, each once", async () => {
    const pod = await runningPod(sb, "ticker", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "while true; do echo tick >> /tmp/t; echo tock >> /data/t; sleep 10; done"],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
    });
    const started = startOf(pod);
    const count = async (at: number) =>
      (await exec(sb, pod, "main", "cat /tmp/t | wc -l; cat /data/t | wc -l", at)).stdout
        .split(/\s+/)
        .filter(Boolean);
    // Writes at 0, 10, 20 and 30 s; then up to 60 s; then a day on, carried on without running it.
    expect(await count(started + 35_000)).toEqual(["4", "4"]);
    expect(await count(started + 65_000)).toEqual(["7", "7"]);
    expect(await count(started + 86_400_000)).toEqual(["8641", "8641"]);
    expect(await count(started + 86_400_000 + 25_000)).toEqual(["8643", "8643"]);
  });

  it("its log is served as the kubelet serves it: the newest 10 MiB, the current file's, however long it ran", async () => {
    const line = "x".repeat(200);
    const pod = await runningPod(sb, "chatty", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", `while true; do echo ${line}; sleep 1; done`],
        },
      ],
    });
    // Started a day ago (the runtime's run as the kubelet writes it): 86,400 lines, 20 MiB as the kubelet stores them.
    const status = pod.status?.containerStatuses?.[0];
    await send(sb, "PUT", "/api/v1/namespaces/default/pods/chatty/status", {
      ...pod,
      status: {
        ...pod.status,
        containerStatuses: [
          { ...status, state: { running: { startedAt: new Date(Date.now() - 86_400_000).toISOString() } } },
        ],
      },
    });
    const logs = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods/chatty/log");
    expect(logs.status).toBe(200);
    const lines = (await logs.text()).split("\n").filter(Boolean);
    // Each line takes 41 bytes of prefix and its text in the kubelet's file.
    expect(lines.length).toBe(Math.floor((10 * 1024 * 1024) / (41 + line.length)));
    expect(new Set(lines)).toEqual(new Set([line]));
    const tail = await t.kube(
      sb.sandboxId,
      sb.sandboxToken,
      "/api/v1/namespaces/default/pods/chatty/log?tailLines=2",
    );
    expect((await tail.text()).split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("a loop that reads the clock is run again up to now, its earlier lines not written twice", async () => {
    const pod = await runningPod(sb, "dater", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "while true; do date +%s >> /tmp/d; sleep 60; done"],
        },
      ],
    });
    const started = startOf(pod);
    const lines = async (at: number) =>
      (await exec(sb, pod, "main", "cat /tmp/d", at)).stdout.split("\n").filter(Boolean).map(Number);
    const seconds = Math.floor(started / 1000);
    expect(await lines(started + 150_000)).toEqual([seconds, seconds + 60, seconds + 120]);
    expect(await lines(started + 330_000)).toEqual([0, 1, 2, 3, 4, 5].map((n) => seconds + 60 * n));
  });

  it("a loop past its evaluation's budget keeps what each look reaches, each line once", async () => {
    const pod = await runningPod(sb, "budgeted", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["sh", "-c", "while true; do date +%s >> /tmp/d; sleep 1; done"],
        },
      ],
    });
    const at = startOf(pod) + 6 * 3_600_000;
    const lines = async (nowMs: number) =>
      (await exec(sb, pod, "main", "cat /tmp/d", nowMs)).stdout.split("\n").filter(Boolean).map(Number);
    const first = await lines(at);
    // Some turns, not the six hours' 21,600: the budget stopped it. How many depends on the
    // machine (its wall-time half: some 80 on a busy one, thousands on a quiet one).
    expect(first.length).toBeGreaterThan(1);
    expect(first.length).toBeLessThan(21_600);
    const second = await lines(at + 60_000);
    expect(second.length).toBeGreaterThanOrEqual(first.length);
    // One line a second from the start, none twice.
    const seconds = Math.floor(startOf(pod) / 1000);
    expect(second).toEqual(second.map((_, i) => seconds + i));
  });

  it("a program that sleeps for ever is kept for good, a running one up to the look", async () => {
    const pod = await runningPod(sb, "resting", {
      containers: [
        { name: "forever", image: "busybox", command: ["sh", "-c", "echo a > /tmp/a; sleep infinity"] },
        { name: "awhile", image: "busybox", command: ["sh", "-c", "echo b > /tmp/b; sleep 100000"] },
      ],
    });
    const at = Date.now() + 5000;
    expect((await exec(sb, pod, "forever", "cat /tmp/a", at)).stdout).toBe("a\n");
    expect((await exec(sb, pod, "awhile", "cat /tmp/b", at)).stdout).toBe("b\n");
    const markers = await t.database.sql<{ scope: string; content: Uint8Array }[]>`
      SELECT scope, content FROM pod_files WHERE pod_uid = ${pod.metadata.uid ?? ""} AND path = '/' ORDER BY scope`;
    expect(markers.map((m) => [m.scope.split("/")[1], Buffer.from(m.content).toString()])).toEqual([
      ["awhile", String(at)],
      ["forever", ""],
    ]);
  });

  it("a script from a configMap, run as the container's command, keeps what it writes", async () => {
    await send(sb, "POST", "/api/v1/namespaces/default/configmaps", {
      metadata: { name: "start-script" },
      data: { "start.sh": "#!/bin/sh\necho ready > /tmp/ready\nsleep 3600\n" },
    });
    const pod = await runningPod(sb, "scripted", {
      containers: [
        {
          name: "main",
          image: "busybox",
          command: ["/scripts/start.sh"],
          volumeMounts: [{ name: "scripts", mountPath: "/scripts" }],
        },
      ],
      volumes: [{ name: "scripts", configMap: { name: "start-script", defaultMode: 0o755 } }],
    });
    expect(await exec(sb, pod, "main", "cat /tmp/ready")).toEqual({ code: 0, stdout: "ready\n" });
  });
});
