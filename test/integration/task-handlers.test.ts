import { describe, expect, it } from "vitest";
import { z } from "zod";
import { controllers } from "../../workers/controllers.ts";
import { taskList } from "../../workers/queue/runner.ts";
import { defineTask, handle, type TaskContext } from "../../workers/queue/task.ts";
import { testDatabase } from "../support/db.ts";

/** The queue's contract: a task's jobs are typed by its definition and checked when they run. */
const database = testDatabase();
const ctx: TaskContext = { database, clusterCaPem: "", changeLogRetentionSeconds: 900 };
const probe = defineTask(
  "probe",
  z.object({ namespace: z.string(), name: z.string() }),
  (p) => `${p.namespace}/${p.name}`,
);
const sandbox = crypto.randomUUID();

describe("a task definition", () => {
  it("makes its jobs with the key its payload names, and the options given", () => {
    const runAt = new Date(0);
    expect(probe.job({ namespace: "ns", name: "a" }, { runAt })).toEqual({
      task: "probe",
      key: "ns/a",
      payload: { namespace: "ns", name: "a" },
      runAt,
    });
  });
});

describe("a task handler", () => {
  it.each([
    ["no sandbox", { namespace: "ns", name: "a" }],
    ["a sandbox that is not a uuid", { sandbox: "x", namespace: "ns", name: "a" }],
    ["a field of the wrong type", { sandbox, namespace: "ns", name: 7 }],
    ["a missing field", { sandbox, namespace: "ns" }],
    ["no payload at all", null],
  ])("drops a job with %s, without running it", async (_name, payload) => {
    const seen: unknown[] = [];
    const handler = handle(probe, async (_ctx, job) => {
      seen.push(job);
    });
    expect(await handler.run(ctx, payload)).toBe(false);
    expect(seen).toEqual([]);
  });

  it("runs a job whose payload fits, typed, with its sandbox", async () => {
    const seen: unknown[] = [];
    const handler = handle(probe, async (c, job) => {
      seen.push([c.database === database, job.sandbox, job.namespace, job.name]);
    });
    expect(await handler.run(ctx, { sandbox, namespace: "ns", name: "a", extra: 1 })).toBe(true);
    expect(seen).toEqual([[true, sandbox, "ns", "a"]]);
  });
});

describe("the queue's task list", () => {
  it("has one entry per task of every controller, and each scheduled task", () => {
    const names = Object.keys(taskList(controllers, ctx)).sort();
    expect(names).toEqual(
      [
        "compact_changes",
        "deployment",
        "endpoints",
        "endpoints_namespace",
        "garbage_collector",
        "kubelet",
        "kubelet_waiting",
        "namespace",
        "replicaset",
        "replication_adopt",
        "replicationcontroller",
        "schedule_pending",
        "scheduler",
        "serviceaccount",
        "sweep_expired_events",
        "sweep_orphan_rows",
      ].sort(),
    );
  });
});
