import { beforeAll, describe, expect, it } from "vitest";
import { containerExited, syncPod } from "../../workers/kubelet/task.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const pods = "/api/v1/namespaces/default/pods";

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
async function send(method: string, path: string, body?: unknown) {
  const res = await kube(path, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}
const get = async (name: string) => (await kube(`${pods}/${name}`)).json();
const job = (name: string) => ({ sandbox: sb.sandboxId, namespace: "default", name });
const kubelet = (name: string, now: number) => syncPod(t.database, job(name), now);

/** Creates a pod and lets the scheduler bind it at `now`; the kubelet takes it on in the same job. */
async function run(name: string, spec: Record<string, unknown>, now = Date.now()) {
  await send("POST", pods, { apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
  await schedulePod(t.database, job(name), { now });
  return get(name);
}

/** When this pod's next kubelet sync is queued for (ms), or null. */
async function queuedSync(name: string): Promise<number | null> {
  const [row] = await t.database.sql<{ ms: number }[]>`
    SELECT (extract(epoch FROM run_at) * 1000)::float8 AS ms
    FROM graphile_worker.jobs WHERE key = ${`${sb.sandboxId}:kubelet:default/${name}`}`;
  return row ? Math.round(row.ms) : null;
}
/** The pod's events in the order they were last recorded. */
async function events(name: string) {
  const list = await (
    await kube(`/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=${name}`)
  ).json();
  return (list.items as any[]).sort(
    (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
  );
}

beforeAll(async () => {
  sb = await t.newSandbox("kubelet");
});

describe("the kubelet", () => {
  it("takes a bound pod on, then starts it in a delayed sync", async () => {
    const now = Date.now();
    const bound = await run("nginx", { containers: [{ name: "nginx", image: "nginx" }] }, now);
    const creating = await get("nginx");
    expect(creating.status).toMatchObject({
      phase: "Pending",
      hostIP: "192.168.49.2",
      podIP: "10.244.1.2",
      containerStatuses: [
        { name: "nginx", state: { waiting: { reason: "ContainerCreating" } }, ready: false },
      ],
    });
    expect(creating.metadata.managedFields.map((f: any) => [f.manager, f.subresource ?? ""])).toContainEqual([
      "kubelet",
      "status",
    ]);
    // The next step is a delayed job, 30 ms on: ContainerCreating is committed on its own.
    expect(await queuedSync("nginx")).toBe(now + 30);
    await kubelet("nginx", now + 30);
    const running = await get("nginx");
    expect(running.status.phase).toBe("Running");
    expect(running.status.containerStatuses[0]).toMatchObject({
      ready: true,
      started: true,
      restartCount: 0,
      image: "docker.io/library/nginx:latest",
      state: { running: { startedAt: expect.any(String) } },
    });
    expect(running.spec.nodeName).toBe(bound.spec.nodeName);
    const recorded = (await events("nginx")).filter((e) => e.source.component === "kubelet");
    expect(recorded.map((e) => [e.reason, e.message, e.involvedObject.fieldPath, e.source.host])).toEqual([
      ["Pulling", 'Pulling image "nginx"', "spec.containers{nginx}", "node-1"],
      [
        "Pulled",
        'Successfully pulled image "nginx" in 1.403s (1.403s including waiting). Image size: 72200345 bytes.',
        "spec.containers{nginx}",
        "node-1",
      ],
      ["Created", "Created container: nginx", "spec.containers{nginx}", "node-1"],
      ["Started", "Started container nginx", "spec.containers{nginx}", "node-1"],
    ]);
    // Named as client-go names them, "<pod>.<hex nanoseconds>": by name is by time.
    const names = (await events("nginx")).map((e) => e.metadata.name as string);
    expect(names.every((n) => /^nginx\.[0-9a-f]{16}$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
  });

  it("records a container whose process ended between syncs (attach's end, stdinOnce), only for the same pod", async () => {
    const now = Date.now();
    const spec = {
      restartPolicy: "Never",
      containers: [{ name: "sh", image: "busybox", stdin: true, stdinOnce: true, command: ["sh"] }],
    };
    await run("attached", spec, now);
    await kubelet("attached", now + 30);
    const running = await get("attached");
    expect(running.status.phase).toBe("Running");
    const exit = { container: "sh", exitCode: 4 };
    // A report about another pod of that name (one since replaced) changes nothing.
    const where = { namespace: "default", name: "attached" };
    const other = { ...exit, podUid: "00000000-0000-0000-0000-000000000000" };
    await containerExited(t.database, sb.sandboxId, where, other, now + 1000);
    expect((await get("attached")).status.phase).toBe("Running");
    await containerExited(
      t.database,
      sb.sandboxId,
      where,
      { ...exit, podUid: running.metadata.uid },
      now + 2000,
    );
    const ended = await get("attached");
    expect(ended.status.phase).toBe("Failed");
    expect(ended.status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 4,
      reason: "Error",
    });
    expect(ended.status.conditions.find((c: any) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "PodFailed",
    });
  });

  it("gives each pod on a node its own IP from the node's range", async () => {
    const now = Date.now();
    const ips: string[] = [];
    for (const name of ["ip-a", "ip-b", "ip-c"]) {
      await run(
        name,
        { nodeSelector: { "kubernetes.io/hostname": "node-2" }, containers: [{ name: "c", image: "nginx" }] },
        now,
      );
      ips.push((await get(name)).status.podIP);
    }
    expect(ips).toEqual(["10.244.2.2", "10.244.2.3", "10.244.2.4"]);
  });

  it("leaves a pod bound to a node that does not exist Pending", async () => {
    await send("POST", pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "lost" },
      spec: { nodeName: "node-7", containers: [{ name: "c", image: "nginx" }] },
    });
    const before = await get("lost");
    await kubelet("lost", Date.now());
    const after = await get("lost");
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("restarts a crashing container with back-off, each step a delayed job at its time", async () => {
    const t0 = Math.ceil(Date.now() / 1000) * 1000;
    await run(
      "crash",
      { containers: [{ name: "crash", image: "busybox", command: ["sh", "-c", "exit 1"] }] },
      t0,
    );
    const steps: [number, string, number, number | null][] = [
      // [when, waiting/terminated reason, restarts, next sync]
      [30, "Error", 0, t0 + 1000],
      [1000, "Error", 1, t0 + 2000],
      [2000, "CrashLoopBackOff", 1, t0 + 11_000],
      [11_000, "Error", 2, t0 + 12_000],
      [12_000, "CrashLoopBackOff", 2, t0 + 31_000],
    ];
    for (const [ms, reason, restarts, next] of steps) {
      await kubelet("crash", t0 + ms);
      const c = (await get("crash")).status.containerStatuses[0];
      expect([c.state.waiting?.reason ?? c.state.terminated?.reason, c.restartCount]).toEqual([
        reason,
        restarts,
      ]);
      expect(await queuedSync("crash")).toBe(next);
    }
    const backOff = (await events("crash")).find((e) => e.reason === "BackOff");
    expect(backOff).toMatchObject({ type: "Warning", count: 2 });
  });

  it("backs off pulling an image that does not exist, remembering failures in its events", async () => {
    // On a second's start: events are timestamped to the second, and a t0 late in its second
    // put the first failure (t0 + 30 ms) in the next one, and the retry due after t0 + 10 s.
    const t0 = Math.ceil(Date.now() / 1000) * 1000;
    await run("bad", { containers: [{ name: "bad", image: "nginx:doesnotexist" }] }, t0);
    await kubelet("bad", t0 + 30);
    const reason = async () => (await get("bad")).status.containerStatuses[0].state.waiting.reason;
    expect(await reason()).toBe("ErrImagePull");
    await kubelet("bad", t0 + 1500);
    expect(await reason()).toBe("ImagePullBackOff");
    await kubelet("bad", t0 + 5000);
    expect(await reason()).toBe("ImagePullBackOff");
    // Events are timestamped to the second: the retry is due 10 s after the failure's second.
    await kubelet("bad", t0 + 10_000);
    expect(await reason()).toBe("ErrImagePull");
    const failed = (await events("bad")).filter((e) => e.reason === "Failed");
    expect(failed.map((e) => [e.message.slice(0, 41), e.count])).toEqual([
      ["Error: ImagePullBackOff", 1],
      ['Failed to pull image "nginx:doesnotexist"', 2],
      ["Error: ErrImagePull", 2],
    ]);
    // The next try is after twice the back-off, from the last failure.
    const next = await queuedSync("bad");
    expect(next).toBeGreaterThan(t0 + 10_000);
    expect(next).toBeLessThanOrEqual(t0 + 11_000);
  });

  it("runs a job to completion and frees its resources for pending pods", async () => {
    const t0 = Date.now();
    await run(
      "once",
      { restartPolicy: "Never", containers: [{ name: "once", image: "busybox", command: ["sleep", "2"] }] },
      t0,
    );
    await kubelet("once", t0 + 30);
    expect((await get("once")).status.phase).toBe("Running");
    await t.database
      .sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE ${`${sb.sandboxId}:schedule_pending:%`}`;
    await kubelet("once", t0 + 3000);
    const done = await get("once");
    expect(done.status.phase).toBe("Succeeded");
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    // No sync is scheduled after the end: the one queued was for the exit itself.
    expect(await queuedSync("once")).toBeLessThanOrEqual(t0 + 3000);
    const [retry] = await t.database
      .sql`SELECT 1 FROM graphile_worker.jobs WHERE key = ${`${sb.sandboxId}:schedule_pending:pending`}`;
    expect(retry).toBeDefined();
  });

  it("stops a deleted pod's containers, then removes it", async () => {
    const t0 = Date.now();
    await run("doomed", { containers: [{ name: "web", image: "nginx" }] }, t0);
    await kubelet("doomed", t0 + 30);
    const marked = await send("DELETE", `${pods}/doomed`);
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    const requested = Date.parse(marked.metadata.deletionTimestamp) - 30_000;
    await kubelet("doomed", requested + 100);
    expect((await events("doomed")).find((e) => e.reason === "Killing")?.message).toBe(
      "Stopping container web",
    );
    expect((await kube(`${pods}/doomed`)).status).toBe(200);
    expect(await queuedSync("doomed")).toBe(requested + 1000);
    await kubelet("doomed", requested + 1000);
    expect((await kube(`${pods}/doomed`)).status).toBe(404);
    const [deleted] = await t.database.sql<{ type: string }[]>`
      SELECT type FROM changes WHERE sandbox_id = ${sb.sandboxId} AND resource = 'pods' AND name = 'doomed'
      ORDER BY revision DESC LIMIT 1`;
    expect(deleted?.type).toBe("DELETED");
  });
});
