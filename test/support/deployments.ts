import { beforeAll } from "vitest";
import { currentRevision } from "../../db/store/reads.ts";
import { syncDeployment } from "../../workers/deployment/task.ts";
import { testApp } from "./app.ts";

/** The body `kubectl create deployment <name> --image=nginx --replicas=3` sends, `spec` merged in. */
export function createdDeployment(name: string, spec: Record<string, unknown> = {}) {
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: { name, creationTimestamp: null, labels: { app: name } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: name } },
        spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
      },
      strategy: {},
      ...spec,
    },
    status: {},
  };
}

/** What `kubectl rollout status` checks before it says "successfully rolled out" (rollout_status.go). */
export function rolledOut(d: any): boolean {
  const s = d.status;
  return (
    d.metadata.generation <= (s.observedGeneration ?? 0) &&
    (s.updatedReplicas ?? 0) >= d.spec.replicas &&
    (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
  );
}

/**
 * A sandbox for testing the deployment controller alone, in process: no ReplicaSet controller,
 * scheduler or kubelet runs, so `podsUp` plays the ReplicaSet controller by writing ReplicaSet
 * status, and `sync` runs the controller's task as the queue would.
 */
export function deploymentSandbox(name: string) {
  const t = testApp();
  let sb: Awaited<ReturnType<typeof t.newSandbox>>;
  beforeAll(async () => {
    sb = await t.newSandbox(name);
  });
  const apps = "/apis/apps/v1/namespaces/default";
  const kube = (path: string, init: RequestInit = {}) => t.kube(sb.sandboxId, sb.sandboxToken, path, init);
  const get = async (path: string) => (await kube(path)).json();
  async function send(method: string, path: string, body: unknown, type = "application/json") {
    const res = await kube(path, { method, headers: { "content-type": type }, body: JSON.stringify(body) });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  const sync = (deployment: string, now?: Date) =>
    syncDeployment(t.database, { sandbox: sb.sandboxId, namespace: "default", name: deployment }, now);

  /** The deployment's ReplicaSets (by its app label), lowest revision first. */
  async function replicaSets(app: string): Promise<any[]> {
    const list = await get(`${apps}/replicasets?labelSelector=app%3D${app}`);
    const rev = (rs: any) => Number(rs.metadata.annotations["deployment.kubernetes.io/revision"]);
    return list.items.sort((a: any, b: any) => rev(a) - rev(b));
  }

  /** The ReplicaSet reports all its pods there, `available` of them available. */
  async function podsUp(rs: any, available?: number) {
    const fresh = await get(`${apps}/replicasets/${rs.metadata.name}`);
    const n = available ?? fresh.spec.replicas;
    fresh.status = {
      replicas: fresh.spec.replicas,
      fullyLabeledReplicas: fresh.spec.replicas,
      readyReplicas: n,
      availableReplicas: n,
      observedGeneration: fresh.metadata.generation,
    };
    await send("PUT", `${apps}/replicasets/${rs.metadata.name}/status`, fresh);
  }

  /** Runs the controller and the pretend ReplicaSet controller until nothing moves. */
  async function settle(app: string) {
    for (let i = 0; i < 30; i++) {
      const before = await currentRevision(t.database.sql, sb.sandboxId);
      await sync(app);
      for (const rs of await replicaSets(app))
        if (
          (rs.status.availableReplicas ?? 0) !== rs.spec.replicas ||
          (rs.status.replicas ?? 0) !== rs.spec.replicas
        )
          await podsUp(rs);
      if ((await currentRevision(t.database.sql, sb.sandboxId)) === before) return;
    }
    throw new Error("the deployment did not settle");
  }

  /** The deployment's events as `Reason: message`, oldest first. */
  async function events(deployment: string): Promise<string[]> {
    const list = await get(
      `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${deployment}`,
    );
    return list.items
      .filter((e: any) => e.involvedObject.kind === "Deployment")
      .sort((a: any, b: any) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e: any) => `${e.reason}: ${e.message}`);
  }

  /** The keys of the sandbox's queued jobs of a task, less the sandbox: "deployment:default/web". */
  async function jobKeys(task: string): Promise<string[]> {
    const rows = await t.database.sql<{ key: string }[]>`
      SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`${sb.sandboxId}:${task}:%`}`;
    return rows.map((r) => r.key.slice(sb.sandboxId.length + 1));
  }

  /** Forgets the sandbox's queued jobs of a task. */
  async function clearJobs(task: string) {
    await t.database
      .sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE ${`${sb.sandboxId}:${task}:%`}`;
  }

  const patchTemplate = (deployment: string, image: string, extra: Record<string, unknown> = {}) =>
    send(
      "PATCH",
      `${apps}/deployments/${deployment}`,
      { spec: { ...extra, template: { spec: { containers: [{ name: "nginx", image }] } } } },
      "application/strategic-merge-patch+json",
    );

  return {
    apps,
    kube,
    get,
    send,
    sync,
    replicaSets,
    podsUp,
    settle,
    events,
    jobKeys,
    clearJobs,
    patchTemplate,
  };
}
