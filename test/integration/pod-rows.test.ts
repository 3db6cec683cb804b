import { beforeAll, describe, expect, it } from "vitest";
import { resetSandboxTo } from "../../accounts/sandbox-copies.ts";
import { saveFiles } from "../../db/pods/files.ts";
import { appendJournal } from "../../db/pods/journal.ts";
import { hostPathOwner, rotateJournal, sweepOrphanRows, sweepSomeSandboxes } from "../../db/pods/rows.ts";
import { settleRun } from "../../db/pods/runs.ts";
import { syncPod } from "../../workers/kubelet/task.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp, testCaPem } from "../support/app.ts";
import { kubeSender } from "../support/kube-send.ts";

// What a pod's containers leave in Postgres (pod_files, pod_log_lines, container_runs) lives as
// long as the pod's object: every path that removes a pod removes its rows, and a copy of a
// sandbox copies them under its pods' uids: a fork's the same, a reset to a template's new ones.
const t = testApp();
type Sandbox = Awaited<ReturnType<typeof t.newSandbox>>;
const tables = ["pod_files", "pod_log_lines", "container_runs"] as const;

const send = kubeSender(t);

/** A pod scheduled and started by the scheduler and the kubelet; its object. */
async function runningPod(sb: Sandbox, name: string, now = Date.now()) {
  await send(sb, "POST", "/api/v1/namespaces/default/pods", {
    metadata: { name },
    spec: { containers: [{ name: "c", image: "nginx" }] },
  });
  const job = { sandbox: sb.sandboxId, namespace: "default", name };
  await schedulePod(t.database, job, { now });
  await syncPod(t.database, job, now + 1000);
  const pod = await send(sb, "GET", `/api/v1/namespaces/default/pods/${name}`);
  expect(pod.status.phase).toBe("Running");
  return pod;
}

/** What a container leaves: a file in its layer, a journal line, a settled run (one row each). */
async function leaveRows(sandboxId: string, owner: string, marker = owner) {
  const content = new TextEncoder().encode(marker);
  await saveFiles(
    t.database.sql,
    sandboxId,
    owner,
    "c/c",
    [{ path: "/x", kind: "file", mode: 0o644, content }],
    [],
  );
  await appendJournal(t.database.sql, sandboxId, owner, "run-1", [
    { source: "s", atMs: 1, periodMs: null, stream: "stdout", text: marker },
  ]);
  await settleRun(t.database.sql, sandboxId, owner, "run-1", { end: { exitCode: 0 }, marker });
}

/** Rows a pod left before its rows went with it (stored before this rule, or by a lost race). */
async function leaveOrphanRows(sandboxId: string, owner: string) {
  const sql = t.database.sql;
  await sql`INSERT INTO pod_files (sandbox_id, pod_uid, scope, path, kind, mode, content)
    VALUES (${sandboxId}, ${owner}, 'c/c', '/x', 'file', 420, ${Buffer.from("old")})`;
  await sql`INSERT INTO pod_log_lines (sandbox_id, pod_uid, container_id, source, at_ms, period_ms, stream, text)
    VALUES (${sandboxId}, ${owner}, 'run-1', 's', 1, NULL, 'stdout', 'old')`;
  await sql`INSERT INTO container_runs (sandbox_id, pod_uid, container_id, evaluation, journaled)
    VALUES (${sandboxId}, ${owner}, 'run-1', '{}'::jsonb, true)`;
}

/** Rows per table an owner (a pod's uid, a node's hostPath owner) has in a sandbox. */
async function rowsOf(sandboxId: string, owner?: string): Promise<number[]> {
  const counts: number[] = [];
  for (const table of tables) {
    const [row] = await t.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${t.database.sql(table)}
      WHERE sandbox_id = ${sandboxId} AND (${owner ?? null}::text IS NULL OR pod_uid = ${owner ?? null})`;
    counts.push(row?.n ?? 0);
  }
  return counts;
}

const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
  const r = await t.gql(query, variables, token);
  expect(r.errors).toBeUndefined();
  return r.data;
};

let sb: Sandbox;
beforeAll(async () => {
  sb = await t.newSandbox("pod-rows");
});

describe("a pod's rows go with its object", () => {
  it("a forced delete (grace 0) removes them, and only them", async () => {
    const gone = await runningPod(sb, "forced");
    const kept = await runningPod(sb, "kept");
    await leaveRows(sb.sandboxId, gone.metadata.uid);
    await leaveRows(sb.sandboxId, kept.metadata.uid);
    expect(await rowsOf(sb.sandboxId, gone.metadata.uid)).toEqual([1, 1, 1]);
    await send(sb, "DELETE", "/api/v1/namespaces/default/pods/forced", { gracePeriodSeconds: 0 });
    expect(await rowsOf(sb.sandboxId, gone.metadata.uid)).toEqual([0, 0, 0]);
    expect(await rowsOf(sb.sandboxId, kept.metadata.uid)).toEqual([1, 1, 1]);
  });

  it("what a request still writes for a pod once it is gone (an exec session open through a forced delete) is not kept", async () => {
    const pod = await runningPod(sb, "late");
    await send(sb, "DELETE", "/api/v1/namespaces/default/pods/late", { gracePeriodSeconds: 0 });
    await leaveRows(sb.sandboxId, pod.metadata.uid);
    expect(await rowsOf(sb.sandboxId, pod.metadata.uid)).toEqual([0, 0, 0]);
    // Nor for a node that is not there; one that is keeps its hostPath trees.
    await leaveRows(sb.sandboxId, hostPathOwner("node-9"));
    expect(await rowsOf(sb.sandboxId, hostPathOwner("node-9"))).toEqual([0, 0, 0]);
    await leaveRows(sb.sandboxId, hostPathOwner(pod.spec.nodeName));
    expect(await rowsOf(sb.sandboxId, hostPathOwner(pod.spec.nodeName))).toEqual([1, 1, 1]);
  });

  it("a finished pod, removed at once by its delete, takes them along", async () => {
    const pod = await runningPod(sb, "finished");
    await leaveRows(sb.sandboxId, pod.metadata.uid);
    await send(sb, "PUT", "/api/v1/namespaces/default/pods/finished/status", {
      ...pod,
      status: { ...pod.status, phase: "Succeeded" },
    });
    await send(sb, "DELETE", "/api/v1/namespaces/default/pods/finished");
    expect(await rowsOf(sb.sandboxId, pod.metadata.uid)).toEqual([0, 0, 0]);
  });

  it("the kubelet's removal of a deleted pod takes them along, not before the pod goes", async () => {
    const now = Date.now();
    const pod = await runningPod(sb, "graceful", now);
    await leaveRows(sb.sandboxId, pod.metadata.uid);
    await send(sb, "DELETE", "/api/v1/namespaces/default/pods/graceful", { gracePeriodSeconds: 30 });
    // Terminating: its containers are being stopped, its logs still readable.
    expect(await rowsOf(sb.sandboxId, pod.metadata.uid)).toEqual([1, 1, 1]);
    await syncPod(
      t.database,
      { sandbox: sb.sandboxId, namespace: "default", name: "graceful" },
      now + 60_000,
    );
    expect(
      (await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods/graceful")).status,
    ).toBe(404);
    expect(await rowsOf(sb.sandboxId, pod.metadata.uid)).toEqual([0, 0, 0]);
  });
});

describe("a restart forgets runs its status no longer names", () => {
  it("keeps the rows of the runs `logs` and `logs --previous` read, drops older ones", async () => {
    const now = Date.now();
    await send(sb, "POST", "/api/v1/namespaces/default/pods", {
      metadata: { name: "crasher" },
      spec: { containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "sleep 5; exit 1"] }] },
    });
    const job = { sandbox: sb.sandboxId, namespace: "default", name: "crasher" };
    await schedulePod(t.database, job, { now });
    /** The runs the pod's status names now (current and previous), by container ID. */
    const named = async () => {
      const pod = await send(sb, "GET", "/api/v1/namespaces/default/pods/crasher");
      const s = pod.status.containerStatuses?.[0];
      const ids = [s?.containerID, s?.lastState?.terminated?.containerID].filter(Boolean);
      return {
        uid: pod.metadata.uid as string,
        ids: ids.map((id) => String(id).slice("containerd://".length)),
      };
    };
    const leave = async (uid: string, id: string) => {
      const file = { kind: "file" as const, mode: 0o644, content: new Uint8Array([1]) };
      await saveFiles(t.database.sql, sb.sandboxId, uid, `c/c/${id}`, [{ path: "/x", ...file }], []);
      await saveFiles(t.database.sql, sb.sandboxId, uid, `m/c/${id}`, [{ path: "/y", ...file }], []);
      await appendJournal(t.database.sql, sb.sandboxId, uid, id, [
        { source: "s", atMs: 1, periodMs: null, stream: "stdout", text: "x" },
      ]);
      await settleRun(t.database.sql, sb.sandboxId, uid, id, { end: { exitCode: 1 } });
    };
    // Every run named at some point leaves its rows (as logs and exec would).
    const seen = new Set<string>();
    for (let at = now + 1000; seen.size < 4 && at < now + 3_600_000; at += 15_000) {
      await syncPod(t.database, job, at);
      const { uid, ids } = await named();
      for (const id of ids.filter((x) => !seen.has(x))) {
        seen.add(id);
        await leave(uid, id);
      }
    }
    expect(seen.size).toBe(4);
    const { uid, ids } = await named();
    const left = await t.database.sql<{ id: string }[]>`
      SELECT split_part(scope, '/', 3) AS id FROM pod_files WHERE pod_uid = ${uid}
      UNION ALL SELECT container_id FROM pod_log_lines WHERE pod_uid = ${uid}
      UNION ALL SELECT container_id FROM container_runs WHERE pod_uid = ${uid}`;
    expect([...seen].map((id) => left.filter((r) => r.id === id).length)).toEqual(
      [...seen].map((id) => (ids.includes(id) ? 4 : 0)),
    );
    expect(ids.length).toBeGreaterThan(0);
  });
});

describe("the hourly sweep", () => {
  it("removes rows whose pod or node is gone, and only those", async () => {
    const pod = await runningPod(sb, "swept-neighbour");
    await leaveRows(sb.sandboxId, pod.metadata.uid);
    await leaveRows(sb.sandboxId, hostPathOwner(pod.spec.nodeName));
    const orphan = "00000000-0000-4000-8000-0000000000aa";
    await leaveOrphanRows(sb.sandboxId, orphan);
    await leaveOrphanRows(sb.sandboxId, hostPathOwner("node-gone"));
    expect(await rowsOf(sb.sandboxId, orphan)).toEqual([1, 1, 1]);
    expect(await sweepOrphanRows(t.database.sql, sb.sandboxId)).toBe(6);
    expect(await rowsOf(sb.sandboxId, orphan)).toEqual([0, 0, 0]);
    expect(await rowsOf(sb.sandboxId, hostPathOwner("node-gone"))).toEqual([0, 0, 0]);
    expect(await rowsOf(sb.sandboxId, pod.metadata.uid)).toEqual([1, 1, 1]);
    expect(await rowsOf(sb.sandboxId, hostPathOwner(pod.spec.nodeName))).toEqual([1, 1, 1]);
  });

  it("rotates each container run's journal to its newest lines, as a log file rotates; a repeating line stays", async () => {
    const pod = await runningPod(sb, "rotated");
    const uid = pod.metadata.uid as string;
    const line = (i: number) => ({
      source: `s${i}`,
      atMs: i,
      periodMs: null,
      stream: "stdout" as const,
      text: `${i}`,
    });
    await appendJournal(t.database.sql, sb.sandboxId, uid, "run-a", [1, 2, 3, 4, 5].map(line));
    await appendJournal(t.database.sql, sb.sandboxId, uid, "run-a", [
      { source: "every", atMs: 0, periodMs: 1000, stream: "stdout", text: "tick" },
    ]);
    await appendJournal(t.database.sql, sb.sandboxId, uid, "run-b", [1, 2].map(line));
    expect(await rotateJournal(t.database.sql, sb.sandboxId, 2)).toBe(3);
    const kept = await t.database.sql<{ container_id: string; source: string }[]>`
      SELECT container_id, source FROM pod_log_lines WHERE sandbox_id = ${sb.sandboxId} AND pod_uid = ${uid}
      ORDER BY container_id, source`;
    expect(kept.map((r) => `${r.container_id}/${r.source}`)).toEqual([
      "run-a/every",
      "run-a/s4",
      "run-a/s5",
      "run-b/s1",
      "run-b/s2",
    ]);
    expect(await rotateJournal(t.database.sql, sb.sandboxId, 2)).toBe(0);
  });

  it("visits every sandbox in turn, from a random point", async () => {
    const orphan = "00000000-0000-4000-8000-0000000000ab";
    await leaveOrphanRows(sb.sandboxId, orphan);
    const [count] = await t.database.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM sandboxes`;
    expect(await sweepSomeSandboxes(t.database.sql, (count?.n ?? 0) + 10)).toBeGreaterThanOrEqual(3);
    expect(await rowsOf(sb.sandboxId, orphan)).toEqual([0, 0, 0]);
  });
});

describe("a sandbox's rows when it is forked, reset or deleted", () => {
  it("a fork's pods keep their files, journal and runs under their uids; leftovers are not copied", async () => {
    const source = await t.newSandbox("rows-fork");
    const pod = await runningPod(source, "web");
    await leaveRows(source.sandboxId, pod.metadata.uid, "web's");
    await leaveRows(source.sandboxId, hostPathOwner(pod.spec.nodeName), "node's");
    await leaveOrphanRows(source.sandboxId, "a-pod-long-gone");
    const d = await gql(
      `mutation($s:ID!){forkSandbox(id:$s,name:"rows-forked"){id}}`,
      { s: source.sandboxId },
      source.userToken,
    );
    const fork = d.forkSandbox.id as string;
    const [copy] = await t.database.sql<{ uid: string }[]>`
      SELECT uid::text FROM objects WHERE sandbox_id = ${fork} AND resource = 'pods' AND name = 'web'`;
    expect(copy?.uid).toBe(pod.metadata.uid);
    expect(await rowsOf(fork, copy?.uid)).toEqual([1, 1, 1]);
    expect(await rowsOf(fork, hostPathOwner(pod.spec.nodeName))).toEqual([1, 1, 1]);
    expect(await rowsOf(fork)).toEqual([2, 2, 2]);
    const [file] = await t.database.sql<{ content: Uint8Array }[]>`
      SELECT content FROM pod_files WHERE sandbox_id = ${fork} AND pod_uid = ${copy?.uid ?? ""}`;
    expect(new TextDecoder().decode(file?.content)).toBe("web's");
    // The source keeps its own.
    expect(await rowsOf(source.sandboxId)).toEqual([3, 3, 3]);
  });

  it("a reset (GraphQL resetSandbox) to a new cluster leaves none of the old pods' or nodes' rows", async () => {
    const other = await t.newSandbox("rows-reset");
    const pod = await runningPod(other, "web");
    await leaveRows(other.sandboxId, pod.metadata.uid);
    await leaveRows(other.sandboxId, hostPathOwner(pod.spec.nodeName));
    expect(await rowsOf(other.sandboxId)).toEqual([2, 2, 2]);
    await gql(`mutation($s:ID!){resetSandbox(id:$s){id}}`, { s: other.sandboxId }, other.userToken);
    expect(await rowsOf(other.sandboxId)).toEqual([0, 0, 0]);
  });

  it("a reset to a template swaps the old pods' rows for copies of the template's", async () => {
    const template = await t.newSandbox("rows-template");
    const student = await t.newSandbox("rows-student");
    const model = await runningPod(template, "model");
    await leaveRows(template.sandboxId, model.metadata.uid, "model's");
    const old = await runningPod(student, "old");
    await leaveRows(student.sandboxId, old.metadata.uid);
    const deps = {
      database: t.database,
      auth: t.auth,
      server: { baseUrl: "https://localhost", caPem: testCaPem },
    };
    await resetSandboxTo(deps, student.sandboxId, template.sandboxId);
    const [copy] = await t.database.sql<{ uid: string }[]>`
      SELECT uid::text FROM objects WHERE sandbox_id = ${student.sandboxId} AND resource = 'pods' AND name = 'model'`;
    expect(await rowsOf(student.sandboxId, old.metadata.uid)).toEqual([0, 0, 0]);
    expect(await rowsOf(student.sandboxId, copy?.uid)).toEqual([1, 1, 1]);
    expect(await rowsOf(student.sandboxId)).toEqual([1, 1, 1]);
    expect(await rowsOf(template.sandboxId)).toEqual([1, 1, 1]);
  });

  it("deleting a sandbox deletes every row of its pods", async () => {
    const doomed = await t.newSandbox("rows-deleted");
    const pod = await runningPod(doomed, "web");
    await leaveRows(doomed.sandboxId, pod.metadata.uid);
    await leaveOrphanRows(doomed.sandboxId, "a-pod-long-gone");
    expect(await rowsOf(doomed.sandboxId)).toEqual([2, 2, 2]);
    await gql(`mutation($s:ID!){deleteSandbox(id:$s)}`, { s: doomed.sandboxId }, doomed.userToken);
    expect(await rowsOf(doomed.sandboxId)).toEqual([0, 0, 0]);
  });
});
