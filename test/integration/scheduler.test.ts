import { beforeAll, describe, expect, it } from "vitest";
import { schedulePending, schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const pods = "/api/v1/namespaces/default/pods";

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
async function send(method: string, path: string, body?: unknown, type = "application/json") {
  const res = await kube(path, {
    method,
    headers: { "content-type": type },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}
function pod(name: string, spec: Record<string, unknown> = {}, requests: Record<string, string> = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "c", image: "nginx", resources: { requests } }], ...spec },
  };
}
const get = async (name: string) => (await kube(`${pods}/${name}`)).json();
const schedule = (name: string) =>
  schedulePod(t.database, { sandbox: sb.sandboxId, namespace: "default", name });
const retry = () => schedulePending(t.database, { sandbox: sb.sandboxId });

/** The jobs queued for this sandbox: "task:key" (the key less the sandbox and task prefix). */
async function jobs(task: string): Promise<string[]> {
  const rows = await t.database.sql<{ key: string }[]>`
    SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`${sb.sandboxId}:${task}:%`} ORDER BY key`;
  return rows.map((r) => r.key.slice(`${sb.sandboxId}:${task}:`.length));
}
async function clearJobs() {
  await t.database.sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE ${`${sb.sandboxId}:%`}`;
}
async function events(name: string) {
  const list = await (
    await kube(`/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=${name}`)
  ).json();
  return (list.items as any[]).map((e) => ({
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    from: e.source.component,
  }));
}

beforeAll(async () => {
  sb = await t.newSandbox("scheduling");
});

describe("the scheduler", () => {
  it("is enqueued for a new pod, binds it, and records Scheduled", async () => {
    await clearJobs();
    await send("POST", pods, pod("web"));
    expect(await jobs("scheduler")).toEqual(["default/web"]);
    await schedule("web");
    const bound = await get("web");
    expect(bound.spec.nodeName).toBe("node-1");
    expect(bound.status.conditions).toContainEqual({
      type: "PodScheduled",
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: expect.any(String),
    });
    expect(await events("web")).toEqual([
      {
        type: "Normal",
        reason: "Scheduled",
        message: "Successfully assigned default/web to node-1",
        count: 1,
        from: "default-scheduler",
      },
    ]);
    // The node's kubelet takes the bound pod on in the same job (ContainerCreating, an IP),
    // and queues the pod's start.
    expect(bound.status).toMatchObject({
      phase: "Pending",
      hostIP: "192.168.49.2",
      containerStatuses: [{ state: { waiting: { reason: "ContainerCreating" } } }],
    });
    expect(await jobs("kubelet")).toEqual(["default/web"]);
  });

  it("starts the pod it binds itself when the queue runs it, with no kubelet job left", async () => {
    await clearJobs();
    await send("POST", pods, pod("inline"));
    await schedulePod(
      t.database,
      { sandbox: sb.sandboxId, namespace: "default", name: "inline" },
      {
        startInline: true,
      },
    );
    const started = await get("inline");
    expect(started.status.phase).toBe("Running");
    expect(started.status.containerStatuses[0].state.running).toBeDefined();
    expect(await jobs("kubelet")).toEqual([]);
    // Bound, taken on and started in the binding's transaction: three writes a watch sees in
    // order, from one commit (its change rows share the transaction's time).
    const changes = await t.database.sql<{ reason: string | null; at: string }[]>`
      SELECT object #>> '{status,containerStatuses,0,state,waiting,reason}' AS reason, created_at::text AS at
      FROM changes WHERE sandbox_id = ${sb.sandboxId} AND resource = 'pods' AND name = 'inline'
        AND type = 'MODIFIED' ORDER BY revision`;
    expect(changes.map((c) => c.reason)).toEqual([null, "ContainerCreating", null]);
    expect(new Set(changes.map((c) => c.at)).size).toBe(1);
  });

  it("syncs the kubelet of a pod bound before a crash when its job runs again", async () => {
    await send("POST", pods, pod("crashed"));
    // The first run bound it and took it on, then died before starting it.
    await schedulePod(t.database, { sandbox: sb.sandboxId, namespace: "default", name: "crashed" });
    await clearJobs();
    expect((await get("crashed")).status.containerStatuses[0].state.waiting.reason).toBe("ContainerCreating");
    await new Promise((r) => setTimeout(r, 40));
    await schedulePod(
      t.database,
      { sandbox: sb.sandboxId, namespace: "default", name: "crashed" },
      {
        startInline: true,
      },
    );
    expect((await get("crashed")).status.phase).toBe("Running");
  });

  it("leaves pods for another scheduler, or gated, alone", async () => {
    await clearJobs();
    await send("POST", pods, pod("custom", { schedulerName: "my-scheduler" }));
    await send("POST", pods, pod("gated", { schedulingGates: [{ name: "example.com/wait" }] }));
    expect(await jobs("scheduler")).toEqual([]);
    await schedule("custom");
    expect((await get("custom")).spec.nodeName).toBeUndefined();
  });

  it("marks a pod too big for any node Unschedulable, with the scheduler's message, once", async () => {
    await send("POST", pods, pod("hungry", {}, { memory: "900Gi" }));
    await schedule("hungry");
    const message =
      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    const first = await get("hungry");
    expect(first.spec.nodeName).toBeUndefined();
    expect(first.status.phase).toBe("Pending");
    expect(first.status.conditions).toEqual([
      {
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: expect.any(String),
        reason: "Unschedulable",
        message,
      },
    ]);
    expect(await events("hungry")).toEqual([
      { type: "Warning", reason: "FailedScheduling", message, count: 1, from: "default-scheduler" },
    ]);
    // The attempt woken by its own condition write changes nothing.
    await schedule("hungry");
    expect((await get("hungry")).metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect((await events("hungry"))[0]?.count).toBe(1);
    // A retry woken by the cluster records the attempt again.
    await retry();
    expect((await events("hungry"))[0]?.count).toBe(2);
    await send("DELETE", `${pods}/hungry`);
  });

  it("retries pending pods when a bound pod is deleted", async () => {
    for (const name of ["big-1", "big-2", "big-3"]) {
      await send("POST", pods, pod(name, {}, { cpu: "1500m" }));
      await schedule(name);
    }
    expect(
      new Set(await Promise.all(["big-1", "big-2", "big-3"].map(async (n) => (await get(n)).spec.nodeName))),
    ).toEqual(new Set(["node-1", "node-2", "node-3"]));
    await send("POST", pods, pod("waiting", {}, { cpu: "1" }));
    await schedule("waiting");
    expect((await get("waiting")).status.conditions[0].message).toBe(
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    const freed = (await get("big-2")).spec.nodeName;
    await clearJobs();
    await send("DELETE", `${pods}/big-2?gracePeriodSeconds=0`);
    expect(await jobs("schedule_pending")).toEqual(["pending"]);
    await retry();
    const placed = await get("waiting");
    expect(placed.spec.nodeName).toBe(freed);
    expect(placed.status.conditions[0]).toMatchObject({ type: "PodScheduled", status: "True" });
  });

  it("retries pending pods when a node changes", async () => {
    for (const n of ["node-1", "node-2", "node-3"])
      await send(
        "PATCH",
        `/api/v1/nodes/${n}`,
        { spec: { unschedulable: true } },
        "application/merge-patch+json",
      );
    await send("POST", pods, pod("cordoned"));
    await schedule("cordoned");
    expect((await get("cordoned")).status.conditions[0].message).toBe(
      "0/3 nodes are available: 3 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    await clearJobs();
    await send(
      "PATCH",
      "/api/v1/nodes/node-3",
      { spec: { unschedulable: false } },
      "application/merge-patch+json",
    );
    expect(await jobs("schedule_pending")).toEqual(["pending"]);
    await retry();
    expect((await get("cordoned")).spec.nodeName).toBe("node-3");
    for (const n of ["node-1", "node-2"])
      await send(
        "PATCH",
        `/api/v1/nodes/${n}`,
        { spec: { unschedulable: false } },
        "application/merge-patch+json",
      );
  });

  it("places pods by nodeSelector and tolerations", async () => {
    await send(
      "PATCH",
      "/api/v1/nodes/node-2",
      { metadata: { labels: { disktype: "ssd" } } },
      "application/merge-patch+json",
    );
    await send("POST", pods, pod("fast", { nodeSelector: { disktype: "ssd" } }));
    await schedule("fast");
    expect((await get("fast")).spec.nodeName).toBe("node-2");
  });

  it("hands a pod bound to a node that appears later to that node's kubelet", async () => {
    await clearJobs();
    await send("POST", pods, pod("early", { nodeName: "node-9" }));
    expect(await jobs("scheduler")).toEqual([]);
    expect(await jobs("kubelet")).toEqual(["default/early"]);
    await clearJobs();
    const node = structuredClone(await (await kube("/api/v1/nodes/node-1")).json());
    node.metadata = { name: "node-9", labels: { "kubernetes.io/hostname": "node-9" } };
    node.spec = { podCIDR: "10.244.9.0/24", podCIDRs: ["10.244.9.0/24"] };
    const created = await send("POST", "/api/v1/nodes", node);
    await send("PUT", "/api/v1/nodes/node-9/status", { ...created, status: node.status });
    expect(await jobs("schedule_pending")).toEqual(["pending"]);
    await retry();
    // (Every bound pod whose kubelet has not started it is handed over; here that includes "early".)
    expect(await jobs("kubelet")).toContain("default/early");
  });
});
