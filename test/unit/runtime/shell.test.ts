import { InMemoryFs } from "just-bash";
import { describe, expect, it } from "vitest";
import { pullImage } from "../../../kube/runtime/images.ts";
import { VirtualClock } from "../../../kube/runtime/shell/clock.ts";
import { definePodCommand } from "../../../kube/runtime/shell/commands/define.ts";
import { writeText } from "../../../kube/runtime/shell/console.ts";
import { type ContainerSetup, mainProcess } from "../../../kube/runtime/shell/container.ts";
import { type Evaluation, evaluate } from "../../../kube/runtime/shell/evaluate.ts";
import { runInContainer, stripTarSlashes } from "../../../kube/runtime/shell/exec.ts";
import { renderTimes, timeAt } from "../../../kube/runtime/shell/log-time.ts";
import type { Container, Pod } from "../../../kube/types/core-v1.ts";

/** The shell core: the virtual clock, the pod's commands, repeating loops, and bounded cost. */

const start = Date.UTC(2026, 0, 2, 3, 4, 5);
const pod: Pod = {
  metadata: { name: "web-1", namespace: "shop", uid: "u1" },
  spec: { containers: [], nodeName: "node-1" },
  status: { podIP: "10.244.1.7", hostIP: "192.168.49.2" },
};

function setup(container: Container, extra: Partial<ContainerSetup> = {}): ContainerSetup {
  const pull = pullImage(container.image ?? "busybox");
  if (!pull.ok) throw new Error(pull.message);
  return { sandbox: "s", pod, container, info: pull.info, ...extra };
}

async function run(
  script: string,
  horizonMs = 60_000,
  extra: Partial<ContainerSetup> = {},
): Promise<Evaluation> {
  return evaluate(
    mainProcess(
      setup({ name: "c", image: "busybox", command: ["sh", "-c", script] }, extra),
      start,
      start + horizonMs,
    ),
  );
}

const out = (e: Evaluation) => e.writes.map(writeText).join("");

describe("the virtual clock", () => {
  it("sleeps advance it and stop at the horizon", () => {
    const clock = new VirtualClock(1000, 5000);
    expect(clock.sleep(3000)).toBe(true);
    expect(clock.nowMs).toBe(4000);
    expect(clock.sleep(3000)).toBe(false);
    expect(clock.nowMs).toBe(5000);
    expect(clock.suspended).toBe(true);
    expect(clock.signal.aborted).toBe(true);
  });

  it("a deadline stops sleeps before the horizon without suspending", () => {
    const clock = new VirtualClock(0, 100_000);
    const d = clock.deadline(2000);
    expect(clock.sleep(10_000)).toBe(false);
    expect(clock.nowMs).toBe(2000);
    expect(d.reached()).toBe(true);
    expect(clock.suspended).toBe(false);
    d.release();
    expect(clock.sleep(1000)).toBe(true);
  });

  it("a loop runs as many turns as the time since its start allows", async () => {
    const e = await run("while : ; do echo tick; sleep 3; done", 10_000);
    const lines = out(e).split("\n").filter(Boolean);
    // Turns at 0, 3, 6, 9 s; the loop was then seen to repeat from its second turn.
    expect(e.period).toMatchObject({ fromMs: start + 3000, periodMs: 3000 });
    expect(e.end).toBeNull();
    expect(lines.length + 0).toBeGreaterThanOrEqual(1);
  });

  it("date reads the clock, in UTC, with GNU formats", async () => {
    const e = await run(
      "date; date +%s; date -u +%Y-%m-%dT%H:%M:%SZ; sleep 60; date +%H:%M; date -d @0 +%F; date -I",
    );
    expect(out(e)).toBe(
      `Fri Jan  2 03:04:05 UTC 2026\n${start / 1000}\n2026-01-02T03:04:05Z\n03:05\n1970-01-01\n2026-01-02\n`,
    );
  });

  it("timeout ends a command at its deadline with 124", async () => {
    const e = await run("timeout 2 sleep 10; echo $?; sleep 1; date +%S");
    expect(out(e)).toBe("124\n08\n");
  });
});

describe("the pod's commands", () => {
  it("hostname, whoami, id and uname say where the process is", async () => {
    const e = await run("hostname; hostname -i; whoami; id; uname; uname -n");
    expect(out(e)).toBe("web-1\n10.244.1.7\nroot\nuid=0(root) gid=0(root) groups=0(root)\nLinux\nweb-1\n");
  });

  it("env prints the exported environment only", async () => {
    const e = await run("X=local; env", 1000, { env: { GREETING: "hi" } });
    const vars = out(e).trim().split("\n");
    expect(vars).toContain("GREETING=hi");
    expect(vars).toContain("HOSTNAME=web-1");
    expect(vars).toContain("HOME=/root");
    expect(vars.some((v) => v.startsWith("X=") || v.startsWith("IFS=") || v.startsWith("BASHOPTS="))).toBe(
      false,
    );
  });

  it("env NAME=value runs a command with it", async () => {
    expect(out(await run("env A=1 sh -c 'echo $A'"))).toBe("1\n");
  });

  it("ps lists the main process as PID 1", async () => {
    const e = await run("ps");
    expect(out(e)).toBe("    PID TTY          TIME CMD\n      1 ?        00:00:00 sh\n");
  });

  it("df and mount show the volumes, a secret as tmpfs with its size", async () => {
    const mountInfos = [
      {
        source: "tmpfs",
        type: "tmpfs",
        path: "/etc/foo",
        readOnly: true,
        sizeBytes: 8 * 1024 ** 3,
        usedBytes: 8192,
      },
    ];
    const e = await run("df -h --type=tmpfs; mount | grep /etc/foo", 1000, { mountInfos });
    expect(out(e)).toBe(
      "Filesystem Size Used Avail Use% Mounted on\ntmpfs       64M    0   64M   0% /dev\nshm         64M    0   64M   0% /dev/shm\ntmpfs      8.0G 8.0K  8.0G   1% /etc/foo\ntmpfs on /etc/foo type tmpfs (ro,relatime,size=8388608k)\n",
    );
  });

  it("servers print their start-up lines and keep running", async () => {
    const e = await evaluate(mainProcess(setup({ name: "c", image: "redis" }), start, start + 60_000));
    expect(out(e)).toContain("Ready to accept connections tcp");
    expect(e.end).toBeNull();
    expect(e.reachedMs).toBe(start + 60_000);
  });

  it("postgres without its password exits 1 with the real message", async () => {
    const e = await evaluate(mainProcess(setup({ name: "c", image: "postgres" }), start, start + 60_000));
    expect(e.end).toMatchObject({ exitCode: 1, atMs: start });
    expect(out(e)).toContain("Error: Database is uninitialized and superuser password is not specified.");
  });

  it("a command wrapped by a test writes to another container's log, with its time filled in later", async () => {
    const visit = definePodCommand("visit", async (_args, _ctx, world) => {
      world.log({ namespace: "shop", pod: "web-1", container: "nginx" }, `GET / at ${timeAt("%H:%M:%S")}`);
      return { stdout: "", stderr: "", exitCode: 0 };
    });
    const input = mainProcess(
      setup({ name: "c", image: "busybox", command: ["sh", "-c", "while :; do visit; sleep 5; done"] }),
      start,
      start + 3_600_000,
    );
    const e = await evaluate({ ...input, commands: [visit] });
    expect(e.period?.periodMs).toBe(5000);
    expect(e.period?.appends).toHaveLength(1);
    const line = e.period?.appends[0];
    expect(renderTimes(line?.text ?? "", start + 5000)).toBe("GET / at 03:04:10");
  });
});

describe("repeating loops", () => {
  it("a loop whose state changes is not taken as repeating", async () => {
    const e = await run("i=0; while [ $i -lt 4 ]; do i=$((i+1)); echo $i; sleep 1; done; exit 9");
    expect(out(e)).toBe("1\n2\n3\n4\n");
    expect(e.period).toBeNull();
    expect(e.end).toMatchObject({ exitCode: 9, atMs: start + 4000 });
  });

  it("a loop of two different sleeps repeats with their sum as its period", async () => {
    const e = await run("while :; do echo a; sleep 1; echo b; sleep 2; done", 3_600_000);
    expect(e.period?.periodMs).toBe(3000);
    expect(e.period?.writes.map((w) => w.text).join("")).toMatch(/^(a\nb\n|b\na\n)$/);
  });

  it("a day of a loop costs a few turns", async () => {
    const t = performance.now();
    const e = await run("while : ; do echo hello; sleep 3; done", 86_400_000);
    expect(e.period).not.toBeNull();
    expect(e.writes.length).toBeLessThan(10);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe("hostile input costs a bounded amount", () => {
  const cases: [string, string][] = [
    ["a busy loop", "while true; do :; done"],
    ["deep recursion", "f() { f; }; f"],
    ["a fork-bomb shape", ":(){ :|:& };:"],
    ["doubling a string", "x=a; while true; do x=$x$x; done"],
    ["endless output", "while true; do echo yes; done"],
    ["nested substitutions", `echo ${"$(".repeat(200)}x${")".repeat(200)}`],
  ];
  it.each(cases)("%s ends the container, killed", async (_name, script) => {
    const t = performance.now();
    const e = await run(script);
    expect(e.end).not.toBeNull();
    expect(e.end?.exitCode === 137 || (e.end?.exitCode ?? 0) > 0).toBe(true);
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it("growing a string past its limit ends like an OOM kill", async () => {
    const e = await run("x=a; while true; do x=$x$x; done");
    expect(e.end).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  it("a long loop that never repeats stops at its budget, still running", async () => {
    const e = await run("i=0; while :; do i=$((i+1)); echo $i; sleep 1; done", 86_400_000);
    expect(e.end).toBeNull();
    expect(e.budgetSpent).toBe(true);
    expect(e.reachedMs).toBeLessThan(start + 86_400_000);
  });

  it("says which budget stopped it: its sleeps (where every evaluation stops), or its wall time", async () => {
    const input = mainProcess(
      setup({
        name: "c",
        image: "busybox",
        command: ["sh", "-c", "i=0; while :; do i=$((i+1)); sleep 1; done"],
      }),
      start,
      start + 86_400_000,
    );
    const bySleeps = await evaluate({ ...input, limits: { maxSleeps: 50 } });
    expect(bySleeps).toMatchObject({ budgetSpent: true, budgetOf: "sleeps" });
    expect(bySleeps.reachedMs).toBe(start + 50_000);
    // Half its wall time (the soft budget) runs out at a sleep long before a day of turns is done;
    // the hard limit, twice that, would need one turn to take the other half.
    const byTime = await evaluate({ ...input, limits: { maxWallMs: 400, maxSleeps: 1e9 } });
    expect(byTime.budgetOf).toBe("time");
  });

  it("reaches nothing outside: no host files, no network", async () => {
    const e = await run(
      "cat /etc/shadow; ls /work; curl http://example.com; wget http://example.com; echo done",
    );
    expect(out(e)).toContain("done");
    expect(out(e)).not.toContain("root:");
  });
});

describe("exec", () => {
  it("runs beside the main process, reads stdin, and its output is in order", async () => {
    const o = await runInContainer(
      setup({ name: "c", image: "busybox" }),
      ["sh", "-c", "cat; echo err >&2; exit 4"],
      {
        nowMs: start,
        stdin: "line1\nline2\n",
      },
    );
    expect(o.exitCode).toBe(4);
    expect(o.writes.map((w) => `${w.stream}:${w.text}`).join("")).toBe("stdout:line1\nline2\nstderr:err\n");
  });

  it("a bare shell reads its script from stdin", async () => {
    const o = await runInContainer(setup({ name: "c", image: "busybox" }), ["sh"], {
      nowMs: start,
      stdin: "echo from-stdin\n",
    });
    expect(o.writes.map(writeText).join("")).toBe("from-stdin\n");
  });

  it("a server started by exec is still running at the lookahead's end", async () => {
    const o = await runInContainer(setup({ name: "c", image: "busybox" }), ["sleep", "infinity"], {
      nowMs: start,
    });
    expect(o.exitCode).toBeNull();
  });

  it("tar archives name members without a leading slash, as GNU tar does", async () => {
    const cache = new InMemoryFs();
    cache.writeFileSync("/f", "hello\n");
    const o = await runInContainer(
      setup({ name: "c", image: "busybox" }, { mounts: [{ path: "/cache", fs: cache }] }),
      ["tar", "cf", "-", "/cache/f"],
      { nowMs: start },
    );
    const archive = Buffer.from(
      o.writes
        .filter((w) => w.stream === "stdout")
        .map((w) => w.text)
        .join(""),
      "latin1",
    );
    expect(archive.subarray(0, 8).toString("latin1")).toBe("cache/f\0");
    expect(stripTarSlashes(archive)).toEqual(archive);
  });
});
