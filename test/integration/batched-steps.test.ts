import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { syncPod } from "../../workers/kubelet/task.ts";
import { SandboxBatches } from "../../workers/queue/batches.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";
import { suiteDatabaseUrl } from "../support/db.ts";

/**
 * Group commit of the controllers' steps (workers/queue/batches.ts): jobs of one sandbox that
 * wait for its turn together run in one transaction, with the outcome each would have alone.
 */
const t = testApp();
// The controllers' pool as the queue has it: gated (a sandbox's steps take turns in the process),
// and without trigger rules, so nothing here wakes another file's workers.
const gated = connect(suiteDatabaseUrl(), 4, { gated: true });
afterAll(() => gated.close());
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const pods = "/api/v1/namespaces/default/pods";

beforeAll(async () => {
  sb = await t.newSandbox("batches");
});

async function clearJobs() {
  await t.database.sql`DELETE FROM graphile_worker._private_jobs WHERE key LIKE ${`${sb.sandboxId}:%`}`;
}

async function createPod(name: string, cpu: string) {
  const res = await t.kube(sb.sandboxId, sb.sandboxToken, pods, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels: { batch: "yes" } },
      spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu } } }] },
    }),
  });
  expect(res.status).toBe(201);
}

async function listPods(): Promise<any[]> {
  const res = await t.kube(sb.sandboxId, sb.sandboxToken, `${pods}?labelSelector=batch%3Dyes`);
  return (await res.json()).items;
}

describe("SandboxBatches", () => {
  it("runs the jobs that wait for a sandbox's turn as one batch, in order, each with its own result", async () => {
    const batches: number[][] = [];
    const step = new SandboxBatches<number, string>({
      run: async (_w, jobs) => {
        batches.push(jobs);
        return jobs.map((j) => `done ${j}`);
      },
    });
    // The sandbox is busy: everything asked meanwhile waits for the next turn, together.
    let release = () => {};
    const busy = inSandbox(gated, sb.sandboxId, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const results = Promise.all([1, 2, 3, 4, 5].map((j) => step.run(gated, sb.sandboxId, j)));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await busy;
    expect(await results).toEqual(["done 1", "done 2", "done 3", "done 4", "done 5"]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
    // A job that finds the sandbox free runs at once, alone.
    expect(await step.run(gated, sb.sandboxId, 6)).toBe("done 6");
    expect(batches.at(-1)).toEqual([6]);
  });

  it("takes at most 16 jobs in one transaction: the rest go in the next", async () => {
    const batches: number[][] = [];
    const step = new SandboxBatches<number, number>({
      run: async (_w, jobs) => {
        batches.push(jobs);
        return jobs;
      },
    });
    let release = () => {};
    const busy = inSandbox(gated, sb.sandboxId, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const jobs = Array.from({ length: 20 }, (_, i) => i);
    const results = Promise.all(jobs.map((j) => step.run(gated, sb.sandboxId, j)));
    release();
    await busy;
    expect(await results).toEqual(jobs);
    expect(batches).toEqual([jobs.slice(0, 16), jobs.slice(16)]);
  });

  it("runs each job of a failed batch again alone: only the failing one fails", async () => {
    const batches: number[][] = [];
    const step = new SandboxBatches<number, number>({
      run: async (_w, jobs) => {
        batches.push(jobs);
        if (jobs.includes(13)) throw new Error("unlucky");
        return jobs.map((j) => j * 2);
      },
    });
    let release = () => {};
    const busy = inSandbox(gated, sb.sandboxId, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const results = [12, 13, 14].map((j) =>
      step.run(gated, sb.sandboxId, j).then(
        (v) => v,
        (err: Error) => err.message,
      ),
    );
    release();
    await busy;
    expect(await Promise.all(results)).toEqual([24, "unlucky", 28]);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });
});

describe("the scheduler and the kubelet in batches", () => {
  it("binds a burst's pods in one turn as one after another would: capacity held, every IP its own", async () => {
    // Each node (2 CPUs) takes two of these pods: six fit the three nodes, the seventh does not.
    const names = ["b1", "b2", "b3", "b4", "b5", "b6", "b7"];
    for (const name of names) await createPod(name, "900m");
    await clearJobs();
    let release = () => {};
    const busy = inSandbox(gated, sb.sandboxId, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const scheduled = Promise.all(
      names.map((name) => schedulePod(gated, { sandbox: sb.sandboxId, namespace: "default", name })),
    );
    release();
    await busy;
    await scheduled;
    await clearJobs();
    const all = await listPods();
    const bound = all.filter((p) => p.spec.nodeName);
    expect(bound).toHaveLength(6);
    const perNode = new Map<string, number>();
    for (const p of bound) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([2, 2, 2]);
    const ips = bound.map((p) => p.status.podIP);
    expect(ips.every((ip) => /^10\.244\.\d+\.\d+$/.test(ip))).toBe(true);
    expect(new Set(ips).size).toBe(6);
    const unbound = all.find((p) => !p.spec.nodeName);
    expect(unbound.status.conditions).toEqual([
      expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable" }),
    ]);

    // Their kubelets' starts, asked at once, in one turn too: every pod Running.
    const later = Date.now() + 60_000;
    const started = Promise.all(
      bound.map((p) =>
        syncPod(gated, { sandbox: sb.sandboxId, namespace: "default", name: p.metadata.name }, later),
      ),
    );
    await started;
    await clearJobs();
    const running = (await listPods()).filter((p) => p.spec.nodeName);
    expect(running.map((p) => p.status.phase)).toEqual(Array(6).fill("Running"));
    for (const p of running) {
      const res = await t.kube(
        sb.sandboxId,
        sb.sandboxToken,
        `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${p.metadata.name}`,
      );
      const reasons = (await res.json()).items.map((e: any) => e.reason);
      expect(reasons).toEqual(["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    }
  });
});
