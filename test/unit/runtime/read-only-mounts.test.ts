import { InMemoryFs } from "just-bash";
import { describe, expect, it } from "vitest";
import { pullImage } from "../../../kube/runtime/images.ts";
import { writeText } from "../../../kube/runtime/shell/console.ts";
import { mainProcess } from "../../../kube/runtime/shell/container.ts";
import { evaluate } from "../../../kube/runtime/shell/evaluate.ts";
import { runInContainer } from "../../../kube/runtime/shell/exec.ts";
import { ReadOnlyFs } from "../../../kube/runtime/shell/filesystem.ts";
import type { Pod } from "../../../kube/types/core-v1.ts";

/**
 * A container with a read-only mount (a configMap's at /etc/cfg) and a writable one (an
 * emptyDir's at /data): how its shell and tools see a write into the read-only one.
 */

const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { containers: [] } };

function container(image: string) {
  const pull = pullImage(image);
  if (!pull.ok) throw new Error(pull.message);
  const cfg = new ReadOnlyFs();
  cfg.writeFileSync("/k", "v\n");
  return {
    sandbox: "s",
    pod,
    container: { name: "c", image },
    info: pull.info,
    mounts: [
      { path: "/etc/cfg", fs: cfg },
      { path: "/data", fs: new InMemoryFs() },
    ],
  };
}

async function exec(image: string, argv: string[]) {
  const r = await runInContainer(container(image), argv, { nowMs: Date.UTC(2026, 0, 1) });
  return { code: r.exitCode, output: r.writes.map((w) => w.text).join("") };
}

const sh = (image: string, script: string) => exec(image, ["sh", "-c", script]);

describe("a redirection into a read-only mount", () => {
  it.each([
    [
      "busybox's ash",
      "busybox",
      "echo x > /etc/cfg/a; echo after",
      "sh: can't create /etc/cfg/a: Read-only file system\nafter\n",
    ],
    [
      "dash (nginx)",
      "nginx",
      "echo x > /etc/cfg/a; echo after",
      "sh: 1: cannot create /etc/cfg/a: Read-only file system\nafter\n",
    ],
    [
      "dash, an append",
      "nginx",
      "echo x >> /etc/cfg/k; echo after",
      "sh: 1: cannot create /etc/cfg/k: Read-only file system\nafter\n",
    ],
    [
      "dash, the script's line",
      "debian",
      "echo a\necho x > /etc/cfg/a\necho b",
      "a\nsh: 2: cannot create /etc/cfg/a: Read-only file system\nb\n",
    ],
    [
      "in an if's body",
      "busybox",
      "if true; then echo x > /etc/cfg/a; fi; echo after",
      "sh: can't create /etc/cfg/a: Read-only file system\nafter\n",
    ],
    [
      "of a group",
      "busybox",
      "{ echo x; echo y; } > /etc/cfg/a; echo after",
      "sh: can't create /etc/cfg/a: Read-only file system\nafter\n",
    ],
    [
      "after its stderr went to /dev/null",
      "busybox",
      "echo x 2>/dev/null >/etc/cfg/a; echo after",
      "after\n",
    ],
    [
      "through ..",
      "busybox",
      "echo x > /etc/../etc/cfg/a || echo failed",
      "sh: can't create /etc/../etc/cfg/a: Read-only file system\nfailed\n",
    ],
  ])("fails that command alone, in the shell's words: %s", async (_name, image, script, output) => {
    const r = await sh(image, script);
    expect(r.output).toBe(output);
    expect(r.code).toBe(0);
  });

  it.each([
    ["busybox", 1],
    ["nginx", 2],
  ])("gives the failed command the shell's status (%s: %i), and does not run it", async (image, status) => {
    const r = await sh(image, "date > /etc/cfg/a; echo $?");
    expect(r.output).toMatch(new RegExp(`Read-only file system\\n${status}\\n$`));
    expect(r.output).not.toMatch(/UTC/);
  });

  it("leaves writes elsewhere alone: the writable mount, the container's own files", async () => {
    const r = await sh("busybox", "echo x > /data/a; echo y > /tmp/b; cat /data/a /tmp/b /etc/cfg/k");
    expect(r).toEqual({ code: 0, output: "x\ny\nv\n" });
  });

  it.each([
    [
      "a variable",
      "f=/etc/cfg/z; echo x > $f; echo $?",
      "sh: 1: cannot create /etc/cfg/z: Read-only file system\n2\n",
    ],
    [
      "a quoted path with a variable",
      'd=/etc/cfg; echo x > "$d/z"; echo $?',
      "sh: 1: cannot create /etc/cfg/z: Read-only file system\n2\n",
    ],
    [
      "a name in the mount",
      "n=z; echo x >> /etc/cfg/$n; echo $?",
      "sh: 1: cannot create /etc/cfg/z: Read-only file system\n2\n",
    ],
    [
      "a relative path from a directory there",
      "cd /etc/cfg && f=z && echo x > $f; echo $?",
      "sh: 1: cannot create z: Read-only file system\n2\n",
    ],
    ["a variable naming a writable place", "f=/data/z; echo x > $f; cat $f", "x\n"],
    [
      "a loop's",
      "for f in /data/a /etc/cfg/b; do echo $f > $f; done; cat /data/a",
      "sh: 1: cannot create /etc/cfg/b: Read-only file system\n/data/a\n",
    ],
  ])(
    "whose target is known only as the script runs fails that command alone: %s",
    async (_name, script, output) => {
      const r = await sh("nginx", script);
      expect(r.output).toBe(output);
      expect(r.code).toBe(0);
    },
  );

  it("whose target the check cannot see ends the process in the shell's words, not the exec", async () => {
    const r = await sh("nginx", "echo x > $(echo /etc/cfg/z); echo after");
    expect(r.output).toBe("sh: 1: cannot create /etc/cfg/z: Read-only file system\n");
    expect(r.code).toBe(2);
  });
});

describe("a container's own command writing into a read-only mount", () => {
  it("logs the shell's message and goes on", async () => {
    const start = Date.UTC(2026, 0, 1);
    const setup = container("busybox");
    const e = await evaluate(
      mainProcess(
        {
          ...setup,
          container: {
            ...setup.container,
            command: ["sh", "-c", "echo x > /etc/cfg/a; echo after; sleep 5"],
          },
        },
        start,
        start + 60_000,
      ),
    );
    expect(e.writes.map(writeText).join("")).toBe(
      "sh: can't create /etc/cfg/a: Read-only file system\nafter\n",
    );
    expect(e.end).toMatchObject({ exitCode: 0, reason: "Completed" });
  });
});

describe("a tool writing into a read-only mount", () => {
  it.each([
    ["touch, a new file", "touch /etc/cfg/b", "touch: cannot touch '/etc/cfg/b': Read-only file system\n"],
    [
      "touch, an existing file",
      "touch /etc/cfg/k",
      "touch: cannot touch '/etc/cfg/k': Read-only file system\n",
    ],
    ["mkdir", "mkdir /etc/cfg/d", "mkdir: cannot create directory '/etc/cfg/d': Read-only file system\n"],
    ["rm", "rm /etc/cfg/k", "rm: cannot remove '/etc/cfg/k': Read-only file system\n"],
    ["cp", "cp /etc/hostname /etc/cfg/", "Read-only file system\n"],
    ["mv", "mv /etc/cfg/k /tmp/k", "Read-only file system\n"],
  ])("fails with Read-only file system, in coreutils' words: %s", async (_name, script, output) => {
    const r = await sh("nginx", `${script}; echo $?`);
    expect(r.output).toContain(output);
    expect(r.output).not.toContain("EROFS");
    expect(r.output.endsWith("1\n")).toBe(true);
    expect(r.code).toBe(0);
  });

  it.each([
    ["touch, a new file", "touch /etc/cfg/b", "touch: /etc/cfg/b: Read-only file system\n"],
    ["touch, an existing file", "touch /etc/cfg/k", "touch: /etc/cfg/k: Read-only file system\n"],
    ["mkdir", "mkdir /etc/cfg/d", "mkdir: can't create directory '/etc/cfg/d': Read-only file system\n"],
    ["rm", "rm /etc/cfg/k", "rm: can't remove '/etc/cfg/k': Read-only file system\n"],
  ])("fails with Read-only file system, in BusyBox's words: %s", async (_name, script, output) => {
    const r = await sh("busybox", `${script}; echo $?`);
    expect(r.output).toBe(`${output}1\n`);
  });

  it("keeps the tools' other failures and successes as they were", async () => {
    const r = await sh(
      "busybox",
      "rm /nonexistent; touch /tmp/a && mkdir -p /tmp/d/e && rm -r /tmp/d && echo ok",
    );
    expect(r.output).toBe("rm: cannot remove '/nonexistent': No such file or directory\nok\n");
  });
});
