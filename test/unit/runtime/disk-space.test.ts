import { describe, expect, it } from "vitest";
import { pullImage } from "../../../kube/runtime/images.ts";
import { freshRoot } from "../../../kube/runtime/shell/container.ts";
import { blockBytes, type DiskSpace, onDisk } from "../../../kube/runtime/shell/disk-space.ts";
import { runInContainer } from "../../../kube/runtime/shell/exec.ts";
import type { Pod } from "../../../kube/types/core-v1.ts";

/** A container's disk with little room: how its shell sees a write that does not fit. */

const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { containers: [] } };

function container(left: number) {
  const pull = pullImage("busybox");
  if (!pull.ok) throw new Error(pull.message);
  const base = { sandbox: "s", pod, container: { name: "c", image: "busybox" }, info: pull.info };
  const space: DiskSpace = { left };
  const root = onDisk(freshRoot(base), space, (path) => /^\/(?:proc|dev)(?:\/|$)/.test(path));
  return { setup: { ...base, root }, space };
}

async function sh(setup: ReturnType<typeof container>["setup"], script: string) {
  const r = await runInContainer(setup, ["sh", "-c", script], { nowMs: Date.UTC(2026, 0, 1) });
  return { code: r.exitCode, output: r.writes.map((w) => w.text).join("") };
}

describe("a disk with little room", () => {
  it("counts whole 4 KiB blocks, one at least", () => {
    expect([0, 1, 4096, 4097].map(blockBytes)).toEqual([4096, 4096, 4096, 8192]);
  });

  it.each([
    ["a redirection", "printf %020000d 0 > /tmp/f", "sh: write error: No space left on device\n", 1],
    ["an append", "printf %020000d 0 >> /tmp/f", "sh: write error: No space left on device\n", 1],
    [
      "cp",
      "cp /etc/passwd /tmp/a && printf %09000d 0 > /tmp/b && cp /tmp/b /tmp/c; echo $?",
      "No space left on device",
      0,
    ],
    [
      "mkdir",
      "printf %013000d 0 > /tmp/b; mkdir /tmp/d; echo $?",
      "mkdir: can't create directory '/tmp/d': No space left on device\n1\n",
      0,
    ],
  ])("%s past the room fails with No space left on device", async (_name, script, output, code) => {
    const { setup } = container(16 * 1024);
    const r = await sh(setup, script);
    expect(r.output).toContain(output);
    expect(r.code).toBe(code);
  });

  it("a shell line that fails on a full disk leaves the next line in its directory", async () => {
    const { setup } = container(4096);
    const r = await runInContainer(setup, ["sh", "-c", "printf %05000d 0 > f"], {
      nowMs: Date.UTC(2026, 0, 1),
      cwd: "/tmp",
      env: { A: "1" },
    });
    expect(r.exitCode).toBe(1);
    expect(r.env).toMatchObject({ PWD: "/tmp", A: "1" });
  });

  it("a write that fits takes its blocks; rewriting a file takes only its growth; /dev is free", async () => {
    const { setup, space } = container(64 * 1024);
    expect((await sh(setup, "printf %05000d 0 > /tmp/f")).code).toBe(0);
    expect(space.left).toBe(64 * 1024 - 8192);
    expect((await sh(setup, "printf %06000d 0 > /tmp/f; echo x > /dev/null")).code).toBe(0);
    expect(space.left).toBe(64 * 1024 - 8192);
  });
});
