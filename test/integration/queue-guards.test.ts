import { describe, expect, it } from "vitest";
import type { GuardCondition } from "../../db/queue.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { KubeObject } from "../../kube/object.ts";
import { podsWaiting, waitsForReferences } from "../../workers/kubelet/waiting-pods.ts";
import { selectsPods } from "../../workers/queue/guards.ts";
import { testDatabase } from "../support/db.ts";

/**
 * The queue's guards are SQL twins of rules written in TypeScript: each is held to its twin on
 * the same objects, so neither can drift from the other.
 */
const database = testDatabase();

/** What a guard's condition says of one object, evaluated by Postgres as the enqueueing statement would. */
async function guardSays(condition: GuardCondition, resource: string, body: unknown): Promise<boolean> {
  const [row] = await database.sql<{ ok: boolean | null }[]>`
    SELECT (${database.sql.unsafe(condition.sql)}) AS ok
    FROM (SELECT ${resource}::text AS resource, ${JSON.stringify(body)}::jsonb AS body) o`;
  return row?.ok === true;
}

const waiting = (reason: string) => ({ name: "c", state: { waiting: { reason } } });
const pod = (status: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default" },
  spec: { containers: [{ name: "c", image: "nginx" }] },
  status,
});

describe("pods waiting for a Secret or ConfigMap", () => {
  it.each([
    ["unscheduled", pod({ phase: "Pending" })],
    ["taken on, volumes not set up (no IP)", pod({ phase: "Pending", hostIP: "10.0.0.1" })],
    [
      "a container refused its config",
      pod({
        phase: "Pending",
        hostIP: "10.0.0.1",
        podIP: "10.244.0.5",
        containerStatuses: [waiting("CreateContainerConfigError")],
      }),
    ],
    [
      "an init container refused its config",
      pod({
        phase: "Pending",
        hostIP: "10.0.0.1",
        podIP: "10.244.0.5",
        initContainerStatuses: [waiting("CreateContainerConfigError")],
      }),
    ],
    [
      "being created",
      pod({
        phase: "Pending",
        hostIP: "10.0.0.1",
        podIP: "10.244.0.5",
        containerStatuses: [waiting("ContainerCreating")],
      }),
    ],
    ["running", pod({ phase: "Running", hostIP: "10.0.0.1", podIP: "10.244.0.5" })],
    ["failed without an IP", pod({ phase: "Failed", hostIP: "10.0.0.1" })],
  ])("%s: the SQL guard and waitsForReferences agree", async (_name, p) => {
    expect(await guardSays(podsWaiting, "pods", p)).toBe(waitsForReferences(viewAs(podKind, p)));
  });
});

describe("objects that select pods", () => {
  it.each([
    ["a plain selector", { app: "web" }, true],
    ["a label selector", { matchLabels: { app: "web" } }, true],
    ["an empty selector", {}, false],
    ["no selector", undefined, false],
    ["a selector that is not a map", "app=web", false],
  ])("%s", async (_name, selector, selects) => {
    expect(await guardSays(selectsPods, "services", { spec: { selector } })).toBe(selects);
  });
});
