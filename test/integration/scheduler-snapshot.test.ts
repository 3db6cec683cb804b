import { beforeAll, describe, expect, it } from "vitest";
import { schedulePod } from "../../workers/tasks/scheduler.ts";
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
});
