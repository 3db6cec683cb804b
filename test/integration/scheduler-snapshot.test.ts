import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.ts";
import { writeSandbox } from "../../db/store/transaction.ts";
import type { Node } from "../../kube/types/core-v1.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";

/**
 * The scheduler's cached view of a sandbox follows every change — from the change log when it
 * reaches back far enough, from the objects when it was compacted — so a placement is never
 * made on a stale picture.
 */
const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const pods = "/api/v1/namespaces/default/pods";

async function send(method: string, path: string, body?: unknown, type = "application/json") {
  const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method,
    headers: { "content-type": type },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}
/** Creates and schedules a pod asking for `cpu`; returns the node it went to, or "" when none. */
async function place(name: string, cpu: string, nodeSelector?: Record<string, string>): Promise<string> {
  await send("POST", pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      ...(nodeSelector ? { nodeSelector } : {}),
      containers: [{ name: "c", image: "nginx", resources: { requests: { cpu } } }],
    },
  });
  await schedulePod(t.database, { sandbox: sb.sandboxId, namespace: "default", name });
  return (await send("GET", `${pods}/${name}`)).spec.nodeName ?? "";
}
const onNode1 = { "kubernetes.io/hostname": "node-1" };

beforeAll(async () => {
  sb = await t.newSandbox("snapshot");
});

describe("the scheduler's snapshot", () => {
  it("sees pods come and go between runs, from the change log", async () => {
    const node = await send("GET", "/api/v1/nodes/node-1");
    const cpu = node.status.allocatable.cpu as string;
    expect(await place("big", cpu, onNode1)).toBe("node-1");
    // node-1 is full now: the next one cannot go there.
    expect(await place("blocked", "500m", onNode1)).toBe("");
    await send("DELETE", `${pods}/big`, { gracePeriodSeconds: 0 });
    expect(await place("after-delete", "500m", onNode1)).toBe("node-1");
  });

  it("sees what a run that held the lock first placed, though both read early", async () => {
    const node = await send("GET", "/api/v1/nodes/node-2");
    const millis = Number.parseInt(node.status.allocatable.cpu, 10) * 1000;
    const half = `${Math.floor(millis / 2) + 1}m`;
    const onNode2 = { "kubernetes.io/hostname": "node-2" };
    for (const name of ["twin-a", "twin-b"])
      await send("POST", pods, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: {
          nodeSelector: onNode2,
          containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: half } } }],
        },
      });
    // Both send their reads with their lock; the second's runs once the first has committed.
    await Promise.all(
      ["twin-a", "twin-b"].map((name) =>
        schedulePod(t.database, { sandbox: sb.sandboxId, namespace: "default", name }),
      ),
    );
    const placed = await Promise.all(
      ["twin-a", "twin-b"].map(async (name) => (await send("GET", `${pods}/${name}`)).spec.nodeName ?? ""),
    );
    expect(placed.sort()).toEqual(["", "node-2"]);
  });

  it("sees a node changed, and reads everything again when the log was compacted", async () => {
    await send(
      "PATCH",
      "/api/v1/nodes/node-1",
      { spec: { unschedulable: true } },
      "application/merge-patch+json",
    );
    expect(await place("cordoned", "1m", onNode1)).toBe("");
    // Compact the whole log: the cached revision is now older than what it still holds.
    await t.database.sql`
      WITH s AS (UPDATE sandboxes SET compacted_revision = revision WHERE id = ${sb.sandboxId})
      DELETE FROM changes WHERE sandbox_id = ${sb.sandboxId}`;
    await send(
      "PATCH",
      "/api/v1/nodes/node-1",
      { spec: { unschedulable: false } },
      "application/merge-patch+json",
    );
    await t.database.sql`
      WITH s AS (UPDATE sandboxes SET compacted_revision = revision WHERE id = ${sb.sandboxId})
      DELETE FROM changes WHERE sandbox_id = ${sb.sandboxId}`;
    expect(await place("uncordoned", "1m", onNode1)).toBe("node-1");
  });

  it("sees a node another process changed, though this process's own commits were all it kept", async () => {
    expect(await place("kept-1", "1m", onNode1)).toBe("node-1");
    await send("POST", pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "kept-2" },
      spec: { nodeSelector: onNode1, containers: [{ name: "c", image: "nginx" }] },
    });
    // Another process's pool (the same database): its commit, the sandbox's last, is not among
    // this process's.
    const elsewhere = connect(
      `${t.database.url}${t.database.url.includes("?") ? "&" : "?"}application_name=elsewhere`,
      1,
    );
    try {
      await writeSandbox(elsewhere, sb.sandboxId, async (w) => {
        const key = { resource: "nodes", namespace: "", name: "node-1" };
        const node = (await w.get(key)) as Node;
        await w.update(key, { ...node, spec: { ...node.spec, unschedulable: true } }, node);
      });
    } finally {
      await elsewhere.close();
    }
    await schedulePod(t.database, { sandbox: sb.sandboxId, namespace: "default", name: "kept-2" });
    expect((await send("GET", `${pods}/kept-2`)).spec.nodeName ?? "").toBe("");
  });
});
