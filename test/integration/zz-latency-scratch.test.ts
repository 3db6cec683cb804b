import { run } from "graphile-worker";
import { expect, it } from "vitest";
import { tasks } from "../../workers/tasks/index.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
async function measure(rate: number, only: string[] | null, sandboxes = 1) {
  const sbs = await Promise.all(Array.from({ length: sandboxes }, () => t.newSandbox()));
  const runner = await run({
    connectionString: t.database.url,
    concurrency: 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: Object.fromEntries(
      Object.entries(tasks)
        .filter(([name]) => !only || only.includes(name))
        .map(([name, task]) => [name, (payload: unknown) => task(t.database, payload as Record<string, unknown>)]),
    ),
  });
  const N = 40;
  for (let i = 0; i < N; i++) {
    const sb = sbs[i % sandboxes]!;
    void t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}` }, spec: { containers: [{ name: "c", image: "nginx" }] } }),
    });
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  await new Promise((r) => setTimeout(r, 3000));
  await runner.stop();
  const rows = await t.database.sql<{ ms: number }[]>`
    SELECT extract(epoch FROM (min(r.created_at) - a.created_at)) * 1000 AS ms
    FROM changes a JOIN changes r ON r.sandbox_id = a.sandbox_id AND r.resource = 'pods' AND r.name = a.name
      AND r.object -> 'status' ->> 'phase' = 'Running'
    WHERE a.sandbox_id = ANY(${sbs.map((s) => s.sandboxId)}) AND a.resource = 'pods' AND a.type = 'ADDED'
    GROUP BY a.sandbox_id, a.name, a.created_at`;
  const v = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  const p = (q: number) => Math.round(v[Math.min(v.length - 1, Math.floor(q * v.length))]!);
  console.log(`${only ? "scheduler+kubelet only" : "all controllers"}, ${rate}/s, ${sandboxes} sandbox(es): n=${v.length} p50 ${p(0.5)} p90 ${p(0.9)} p99 ${p(0.99)} max ${p(1)}`);
}
it("measures", async () => {
  await measure(10, ["scheduler", "kubelet", "schedule_pending"]);
  await measure(20, ["scheduler", "kubelet", "schedule_pending"]);
  await measure(10, null);
  await measure(20, null, 4);
  expect(1).toBe(1);
});
