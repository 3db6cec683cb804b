import { beforeAll, describe, expect, it } from "vitest";
import { syncPod } from "../../workers/kubelet/task.ts";
import { wakeWaitingPods } from "../../workers/kubelet/waiting-pods.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";

/**
 * Pods that need a Secret or ConfigMap that is not there (yet): the kubelet keeps them
 * ContainerCreating with FailedMount, or their container in CreateContainerConfigError, and
 * starts them once what they need is written.
 */
const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const ns = "/api/v1/namespaces/default";

async function send(method: string, path: string, body?: unknown) {
  const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}
const get = (name: string) => send("GET", `${ns}/pods/${name}`);
const job = (name: string) => ({ sandbox: sb.sandboxId, namespace: "default", name });
const kubelet = (name: string, now: number) => syncPod(t.database, job(name), now);
const waiting = (pod: any) => pod.status.containerStatuses[0].state.waiting;

async function run(name: string, spec: Record<string, unknown>, now: number) {
  await send("POST", `${ns}/pods`, { apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
  await schedulePod(t.database, job(name), { now });
  return get(name);
}
async function events(name: string, reason: string) {
  const list = await send("GET", `${ns}/events?fieldSelector=involvedObject.name=${name},reason=${reason}`);
  return (list.items as any[]).map((e) => [e.type, e.message, e.count]);
}
async function queued(task: string, key: string): Promise<number | null> {
  const [row] = await t.database.sql<{ ms: number }[]>`
    SELECT (extract(epoch FROM run_at) * 1000)::float8 AS ms FROM graphile_worker.jobs
    WHERE key = ${`${sb.sandboxId}:${task}:${key}`}`;
  return row ? Math.round(row.ms) : null;
}
const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name },
  stringData: data,
});

beforeAll(async () => {
  sb = await t.newSandbox("refs");
});

describe("a pod mounting a Secret that does not exist", () => {
  it("stays ContainerCreating without an IP, with FailedMount, until the Secret is created", async () => {
    const t0 = Date.now();
    const pod = await run(
      "mounts",
      {
        volumes: [{ name: "foo", secret: { secretName: "mysecret" } }],
        containers: [{ name: "c", image: "nginx", volumeMounts: [{ name: "foo", mountPath: "/etc/foo" }] }],
      },
      t0,
    );
    expect(pod.status.phase).toBe("Pending");
    expect(pod.status.hostIP).toBe("192.168.49.2");
    expect(pod.status.podIP).toBeUndefined();
    expect(waiting(pod).reason).toBe("ContainerCreating");
    expect(await events("mounts", "FailedMount")).toEqual([
      ["Warning", 'MountVolume.SetUp failed for volume "foo" : secret "mysecret" not found', 1],
    ]);
    expect(await queued("kubelet", "default/mounts")).toBe(t0 + 10_000);

    // Its retry finds it still missing: the event counts up, the pod stays as it was.
    await kubelet("mounts", t0 + 10_000);
    expect((await events("mounts", "FailedMount"))[0]?.[2]).toBe(2);
    expect((await get("mounts")).status.podIP).toBeUndefined();

    // Creating the Secret wakes the pod's kubelet now, which sets it up and starts it.
    await t.database
      .sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE ${`${sb.sandboxId}:kubelet%`}`;
    await send("POST", `${ns}/secrets`, secret("mysecret", { username: "admin" }));
    expect(await queued("kubelet_waiting", "default")).not.toBeNull();
    await wakeWaitingPods(t.database, { sandbox: sb.sandboxId, namespace: "default" });
    expect(await queued("kubelet", "default/mounts")).not.toBeNull();
    const t1 = Date.now();
    await kubelet("mounts", t1);
    expect((await get("mounts")).status.podIP).toMatch(/^10\.244\.1\./);
    await kubelet("mounts", t1 + 30);
    expect((await get("mounts")).status.phase).toBe("Running");
  });

  it("fails a missing key of items, and a ConfigMap volume likewise; optional ones are no error", async () => {
    await send("POST", `${ns}/secrets`, secret("partial", { username: "admin" }));
    const t0 = Date.now();
    await run(
      "items",
      {
        volumes: [
          { name: "creds", secret: { secretName: "partial", items: [{ key: "password", path: "p" }] } },
          { name: "conf", configMap: { name: "settings" } },
          { name: "maybe", secret: { secretName: "nowhere", optional: true } },
        ],
        containers: [{ name: "c", image: "nginx" }],
      },
      t0,
    );
    expect((await events("items", "FailedMount")).map((e) => e[1]).sort()).toEqual([
      'MountVolume.SetUp failed for volume "conf" : configmap "settings" not found',
      'MountVolume.SetUp failed for volume "creds" : references non-existent secret key: password',
    ]);
  });

  it("does not wake anything when a Secret is written where no pod waits", async () => {
    const other = await t.newSandbox("refs-idle");
    await t.kube(other.sandboxId, other.sandboxToken, `${ns}/secrets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(secret("lonely", { a: "b" })),
    });
    const [row] = await t.database.sql`
      SELECT 1 FROM graphile_worker.jobs WHERE key = ${`${other.sandboxId}:kubelet_waiting:default`}`;
    expect(row).toBeUndefined();
  });
});

describe("a container whose env names a Secret key that does not exist", () => {
  it("waits in CreateContainerConfigError, retried, until the key is there", async () => {
    await send("POST", `${ns}/secrets`, secret("db", { username: "admin" }));
    const t0 = Date.now();
    await run(
      "envs",
      {
        containers: [
          {
            name: "app",
            image: "nginx",
            env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }],
          },
        ],
      },
      t0,
    );
    await kubelet("envs", t0 + 30);
    const refused = await get("envs");
    expect(refused.status.phase).toBe("Pending");
    expect(waiting(refused)).toEqual({
      reason: "CreateContainerConfigError",
      message: "couldn't find key password in Secret default/db",
    });
    expect(await events("envs", "Failed")).toEqual([
      ["Warning", "Error: couldn't find key password in Secret default/db", 1],
    ]);
    expect(await queued("kubelet", "default/envs")).toBe(t0 + 30 + 10_000);
    await kubelet("envs", t0 + 10_030);
    expect(await events("envs", "Failed")).toEqual([
      ["Warning", "Error: couldn't find key password in Secret default/db", 2],
    ]);

    await send("PUT", `${ns}/secrets/db`, secret("db", { username: "admin", password: "1f2d1e2e67df" }));
    await kubelet("envs", t0 + 11_000);
    const running = await get("envs");
    expect(running.status.phase).toBe("Running");
    expect(running.status.containerStatuses[0].state.running).toBeDefined();
  });

  it("names a missing Secret or ConfigMap of envFrom; optional references are skipped", async () => {
    const t0 = Date.now();
    await run(
      "from",
      {
        containers: [
          { name: "a", image: "nginx", envFrom: [{ configMapRef: { name: "absent" } }] },
          {
            name: "b",
            image: "nginx",
            env: [{ name: "X", valueFrom: { secretKeyRef: { name: "ghost", key: "k", optional: true } } }],
          },
        ],
      },
      t0,
    );
    await kubelet("from", t0 + 30);
    const pod = await get("from");
    const byName = Object.fromEntries(pod.status.containerStatuses.map((s: any) => [s.name, s.state]));
    expect(byName.a.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: 'configmap "absent" not found',
    });
    expect(byName.b.running).toBeDefined();
  });
});
