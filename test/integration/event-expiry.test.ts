import { describe, expect, it } from "vitest";
import { eventTtlSeconds } from "../../db/store/event-expiry.ts";
import { recordEvent } from "../../registry/events.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { sweepExpiredEvents } from "../../workers/event-expiry/sweep.ts";
import { testApp } from "../support/app.ts";

/**
 * Events live an hour after their last write (the API server's --event-ttl): past it, reads no
 * longer show them, and the sweep removes them through the write path (a DELETED change each).
 */
const t = testApp();
const events = "/api/v1/namespaces/default/events";

function event(name: string) {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name },
    involvedObject: { kind: "Pod", name: "p", namespace: "default", apiVersion: "v1" },
    reason: "Tested",
    message: `about ${name}`,
    type: "Normal",
    source: { component: "test" },
  };
}

/**
 * Moves the times an event carries `seconds` into the past: its own, and (unless `writes` is
 * false) those of its managed fields, which the server sets on each write.
 */
async function age(sandboxId: string, name: string, seconds: number, writes = true) {
  const then = new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  await t.database.sql`
    UPDATE objects SET body = jsonb_set(jsonb_set(jsonb_set(body,
      '{metadata,creationTimestamp}', to_jsonb(${then}::text)),
      '{lastTimestamp}', to_jsonb(${then}::text)),
      '{metadata,managedFields}', CASE WHEN ${writes}::boolean THEN coalesce((
        SELECT jsonb_agg(jsonb_set(m, '{time}', to_jsonb(${then}::text)))
        FROM jsonb_array_elements(body -> 'metadata' -> 'managedFields') m), '[]'::jsonb)
        ELSE coalesce(body -> 'metadata' -> 'managedFields', '[]'::jsonb) END)
    WHERE sandbox_id = ${sandboxId} AND resource = 'events' AND name = ${name}`;
}

async function counts(sandboxId: string) {
  const [row] = await t.database.sql<{ rows: number; counted: number }[]>`
    SELECT (SELECT count(*)::int FROM objects WHERE sandbox_id = ${sandboxId}) AS rows,
      (SELECT object_count FROM sandboxes WHERE id = ${sandboxId}) AS counted`;
  return row;
}

describe("events past the API server's event TTL", () => {
  it("are gone from get and list an hour after their last write, and the sweep removes them", async () => {
    const sb = await t.newSandbox("ttl");
    const send = (path: string, init?: RequestInit) => t.kube(sb.sandboxId, sb.sandboxToken, path, init);
    for (const name of ["old", "recent", "fresh"])
      expect(
        (
          await send(events, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(event(name)),
          })
        ).status,
      ).toBe(201);
    await age(sb.sandboxId, "old", eventTtlSeconds + 60);
    await age(sb.sandboxId, "recent", eventTtlSeconds - 60);
    expect((await send(`${events}/old`)).status).toBe(404);
    expect((await send(`${events}/recent`)).status).toBe(200);
    const listed = await (await send(events)).json();
    expect(listed.items.map((e: { metadata: { name: string } }) => e.metadata.name).sort()).toEqual([
      "fresh",
      "recent",
    ]);
    // A write renews it, as a write renews an etcd lease: the managed fields carry its time.
    const patched = await send(`${events}/recent`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ metadata: { labels: { seen: "again" } } }),
    });
    expect(patched.status).toBe(200);
    await age(sb.sandboxId, "recent", eventTtlSeconds + 60, false);
    expect((await send(`${events}/recent`)).status).toBe(200);
    await age(sb.sandboxId, "recent", eventTtlSeconds + 60);
    expect((await send(`${events}/recent`)).status).toBe(404);

    const before = await counts(sb.sandboxId);
    expect(await sweepExpiredEvents(t.database)).toBeGreaterThanOrEqual(2);
    const after = await counts(sb.sandboxId);
    expect(after?.rows).toBe((before?.rows ?? 0) - 2);
    expect(after?.counted).toBe(after?.rows);
    const deleted = await t.database.sql<{ name: string }[]>`
      SELECT name FROM changes WHERE sandbox_id = ${sb.sandboxId} AND resource = 'events' AND type = 'DELETED'
      ORDER BY name`;
    expect(deleted.map((d) => d.name)).toEqual(["old", "recent"]);
    expect((await send(`${events}/fresh`)).status).toBe(200);
  });

  it("are not counted on by the recorder: a repeat after the hour is a new event", async () => {
    const sb = await t.newSandbox("recorder");
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default", uid: "00000000-0000-4000-8000-000000000001" },
    };
    const record = () =>
      inSandbox(t.database, sb.sandboxId, (w) =>
        recordEvent(w, pod, { type: "Normal", reason: "Pulled", message: "pulled", component: "kubelet" }),
      );
    await record();
    await record();
    const first = await (await t.kube(sb.sandboxId, sb.sandboxToken, events)).json();
    expect(first.items).toHaveLength(1);
    expect(first.items[0].count).toBe(2);
    await age(sb.sandboxId, first.items[0].metadata.name, eventTtlSeconds + 60);
    await record();
    const next = await (await t.kube(sb.sandboxId, sb.sandboxToken, events)).json();
    expect(next.items).toHaveLength(1);
    expect(next.items[0].count).toBe(1);
    expect(next.items[0].metadata.name).not.toBe(first.items[0].metadata.name);
  });
});
