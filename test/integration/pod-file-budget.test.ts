import { beforeEach, describe, expect, it } from "vitest";
import { defaultLimits, loadConfig, tenantLimits } from "../../config.ts";
import type { Database } from "../../db/connection.ts";
import { saveFiles } from "../../db/pods/files.ts";
import type { Container, Pod } from "../../kube/types/core-v1.ts";
import { execInContainer } from "../../pods/exec.ts";
import { syncPod } from "../../workers/kubelet/task.ts";
import { schedulePod } from "../../workers/scheduler/task.ts";
import { testApp } from "../support/app.ts";
import { testDatabase } from "../support/db.ts";
import { kubeSender } from "../support/kube-send.ts";

// The bytes a pod's containers may keep in files, as a node bounds ephemeral storage: a write
// past the pod's budget, or past its sandbox's, fails as on a full disk, nothing past it is
// stored, and other pods and sandboxes write on. Small budgets here (the defaults are 64 MiB a
// pod, 256 MiB a sandbox): 256 KiB a pod, 512 KiB a sandbox.
const podBudget = 256 * 1024;
const sandboxBudget = 512 * 1024;
const t = testApp({ limits: { fileBytesPerPod: podBudget, fileBytesPerSandbox: sandboxBudget } });
type Sandbox = Awaited<ReturnType<typeof t.newSandbox>>;
const send = kubeSender(t);

/** A busybox pod sleeping, scheduled and started; its object. */
async function runningPod(sb: Sandbox, name: string, container: Partial<Container> = {}): Promise<Pod> {
  await send(sb, "POST", "/api/v1/namespaces/default/pods", {
    metadata: { name },
    spec: { containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"], ...container }] },
  });
  const job = { sandbox: sb.sandboxId, namespace: "default", name };
  const now = Date.now();
  await schedulePod(t.database, job, { now });
  await syncPod(t.database, job, now + 1000);
  const pod = (await send(sb, "GET", `/api/v1/namespaces/default/pods/${name}`)) as Pod;
  expect(pod.status?.phase).toBe("Running");
  return pod;
}

/** `kubectl exec pod -- sh -c script`: its exit code and output (both streams). */
async function exec(sb: Sandbox, pod: Pod, script: string, database: Database = t.database) {
  const container = pod.spec?.containers?.[0] as Container;
  const out = await execInContainer(database, sb.sandboxId, pod, container, ["sh", "-c", script], {
    nowMs: Date.now(),
  });
  return { code: out.exitCode, output: out.writes.map((w) => w.text).join("") };
}

/** Bytes a pod's stored files take, in the 4 KiB blocks the budget counts (whiteouts free). */
async function storedBlocks(sb: Sandbox, pod: Pod | null): Promise<number> {
  const [row] = await t.database.sql<{ bytes: string | null }[]>`
    SELECT sum(CASE WHEN kind = 'whiteout' OR path = '/' THEN 0
      ELSE greatest(1, ceil(octet_length(content) / 4096.0)) * 4096 END)::bigint AS bytes
    FROM pod_files WHERE sandbox_id = ${sb.sandboxId} AND (${pod?.metadata.uid ?? null}::text IS NULL
      OR pod_uid = ${pod?.metadata.uid ?? ""})`;
  return Number(row?.bytes ?? 0);
}

/** A script writing `bytes` bytes to `path` (the image's /dev/zero reads empty, `yes` stops at 200 000). */
const write = (bytes: number, path: string) => `printf %0${bytes}d 0 > ${path}`;

// Each test on a sandbox of its own: what one keeps counts against its sandbox's budget.
let sb: Sandbox;
beforeEach(async () => {
  sb = await t.newSandbox("file-budget");
});

describe("a pod's files are bounded", () => {
  it("an exec writing past the pod's budget gets No space left on device, and the stored files stay within it", async () => {
    const pod = await runningPod(sb, "big");
    const r = await exec(sb, pod, write(300_000, "/tmp/big"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("No space left on device");
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
    // What fits is written and kept.
    expect(await exec(sb, pod, `${write(100_000, "/tmp/small")} && wc -c < /tmp/small`)).toEqual({
      code: 0,
      output: "100000\n",
    });
  });

  it("repeated execs cannot grow the pod's files past it", async () => {
    const pod = await runningPod(sb, "again");
    const codes: (number | null)[] = [];
    for (let i = 0; i < 5; i++) codes.push((await exec(sb, pod, write(100_000, `/tmp/f${i}`))).code);
    // 100 000 bytes take 25 blocks (102 400 bytes): two fit in 256 KiB, a third does not.
    expect(codes.slice(0, 2)).toEqual([0, 0]);
    expect(codes.slice(2).every((c) => c !== 0)).toBe(true);
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
    // Removing a file gives its room back to the next exec.
    expect((await exec(sb, pod, "rm /tmp/f0")).code).toBe(0);
    expect((await exec(sb, pod, write(100_000, "/tmp/f9"))).code).toBe(0);
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
  });

  it("what a pod's emptyDir holds counts in its budget", async () => {
    await send(sb, "POST", "/api/v1/namespaces/default/pods", {
      metadata: { name: "vol" },
      spec: {
        containers: [
          {
            name: "c",
            image: "busybox",
            command: ["sleep", "3600"],
            volumeMounts: [{ name: "d", mountPath: "/d" }],
          },
        ],
        volumes: [{ name: "d", emptyDir: {} }],
      },
    });
    const job = { sandbox: sb.sandboxId, namespace: "default", name: "vol" };
    await schedulePod(t.database, job, { now: Date.now() });
    await syncPod(t.database, job, Date.now() + 1000);
    const pod = (await send(sb, "GET", "/api/v1/namespaces/default/pods/vol")) as Pod;
    expect((await exec(sb, pod, write(200_000, "/d/a"))).code).toBe(0);
    const r = await exec(sb, pod, write(100_000, "/tmp/b"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("No space left on device");
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
  });

  it("a container's smaller ephemeral-storage limit is its pod's budget", async () => {
    const pod = await runningPod(sb, "declared", { resources: { limits: { "ephemeral-storage": "64Ki" } } });
    expect((await exec(sb, pod, write(30_000, "/tmp/a"))).code).toBe(0);
    const r = await exec(sb, pod, write(60_000, "/tmp/b"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("No space left on device");
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(64 * 1024);
  });

  it("what a main program writes is kept up to the budget, and no further", async () => {
    const pod = await runningPod(sb, "writer", {
      command: ["sh", "-c", "i=0; while true; do printf %050000d 0 > /tmp/w$i; i=$((i+1)); sleep 1; done"],
    });
    // An exec a minute on reads what the program wrote by then (sixty files, were there room).
    const container = pod.spec?.containers?.[0] as Container;
    const r = await execInContainer(
      t.database,
      sb.sandboxId,
      pod,
      container,
      ["sh", "-c", "ls /tmp | wc -l"],
      {
        nowMs: Date.now() + 60_000,
      },
    );
    expect(r.exitCode).toBe(0);
    const files = Number(r.writes.map((w) => w.text).join(""));
    expect(files).toBeGreaterThan(0);
    expect(files).toBeLessThan(60);
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
  });
});

describe("storage keeps no more than the budget, whatever a request believed", () => {
  it("two execs at once, each fitting alone, do not both keep their files", async () => {
    const pod = await runningPod(sb, "racing");
    const both = await Promise.all([
      exec(sb, pod, write(200_000, "/tmp/a")),
      exec(sb, pod, write(200_000, "/tmp/b")),
    ]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(both.find((r) => r.code === 1)?.output).toContain("No space left on device");
    expect(await storedBlocks(sb, pod)).toBeLessThanOrEqual(podBudget);
  });

  it("saveFiles puts entries in order while they fit, and says some were left out", async () => {
    const pod = await runningPod(sb, "direct");
    const uid = pod.metadata.uid ?? "";
    const file = (path: string, bytes: number) => ({
      path,
      kind: "file" as const,
      mode: 0o644,
      content: new Uint8Array(bytes),
    });
    const budget = { podBytes: 16 * 1024, sandboxBytes: sandboxBudget };
    // Three blocks fit, a fourth and a fifth (after it in order) do not; the first two are put.
    const all = await saveFiles(
      t.database.sql,
      sb.sandboxId,
      uid,
      "c/c/x",
      [file("/a", 8000), file("/b", 4000), file("/c", 8000), file("/d", 1)],
      [],
      budget,
    );
    expect(all).toBe(false);
    const paths = await t.database.sql<{ path: string }[]>`
      SELECT path FROM pod_files WHERE sandbox_id = ${sb.sandboxId} AND pod_uid = ${uid} ORDER BY path`;
    expect(paths.map((p) => p.path)).toEqual(["/a", "/b"]);
    // Replacing a file with a smaller one, and removing one, make room again.
    expect(
      await saveFiles(
        t.database.sql,
        sb.sandboxId,
        uid,
        "c/c/x",
        [file("/a", 10), file("/c", 4000)],
        ["/b"],
        budget,
      ),
    ).toBe(true);
    expect(await storedBlocks(sb, pod)).toBe(8192);
  });
});

describe("one tenant's files do not hurt the others", () => {
  it("another pod writes on when one is full; past the sandbox's budget its pods are full, another sandbox's are not", async () => {
    const own = await t.newSandbox("file-budget-own");
    const p1 = await runningPod(own, "p1");
    expect((await exec(own, p1, write(300_000, "/tmp/a"))).code).not.toBe(0);
    // Another pod of the sandbox has its own budget.
    const p2 = await runningPod(own, "p2");
    expect((await exec(own, p2, write(200_000, "/tmp/a"))).code).toBe(0);
    const p3 = await runningPod(own, "p3");
    expect((await exec(own, p3, write(200_000, "/tmp/a"))).code).toBe(0);
    // Three pods' files reach the sandbox's 512 KiB: a fourth pod with room of its own is full.
    const p4 = await runningPod(own, "p4");
    const r = await exec(own, p4, write(200_000, "/tmp/a"));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("No space left on device");
    expect(await storedBlocks(own, null)).toBeLessThanOrEqual(sandboxBudget);
    // Another sandbox is untouched by it.
    const other = await t.newSandbox("file-budget-other");
    const q = await runningPod(other, "q");
    expect((await exec(other, q, write(200_000, "/tmp/a"))).code).toBe(0);
  });
});

describe("the budgets are settings", () => {
  it("LIMIT_FILE_BYTES_PER_POD and LIMIT_FILE_BYTES_PER_SANDBOX set them; 64 MiB and 256 MiB by default", () => {
    expect(defaultLimits.fileBytesPerPod).toBe(64 * 1024 * 1024);
    expect(defaultLimits.fileBytesPerSandbox).toBe(256 * 1024 * 1024);
    const limits = tenantLimits(
      loadConfig({ LIMIT_FILE_BYTES_PER_POD: "1048576", LIMIT_FILE_BYTES_PER_SANDBOX: "4194304" }),
    );
    expect(limits.fileBytesPerPod).toBe(1048576);
    expect(limits.fileBytesPerSandbox).toBe(4194304);
    expect(() => loadConfig({ LIMIT_FILE_BYTES_PER_POD: "0" })).toThrow(/LIMIT_FILE_BYTES_PER_POD/);
  });

  const larger = testDatabase({ fileBytesPerPod: 1024 * 1024, fileBytesPerSandbox: 4 * 1024 * 1024 });
  it("a larger budget lets a pod keep what the smaller one refused", async () => {
    const own = await t.newSandbox("file-budget-larger");
    const pod = await runningPod(own, "roomy");
    expect((await exec(own, pod, write(300_000, "/tmp/a"))).code).not.toBe(0);
    expect((await exec(own, pod, write(300_000, "/tmp/a"), larger)).code).toBe(0);
    expect(await storedBlocks(own, pod)).toBeGreaterThan(podBudget);
  });
});
