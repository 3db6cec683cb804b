import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("thread");
const k = cluster.kubectl;

/** The CPU ticks (user + system) each named thread of a process has used, from /proc. */
async function threadTicks(pid: number): Promise<Map<string, number>> {
  const ticks = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, "utf8").catch(() => "");
    // "tid (comm) state ppid …": utime and stime are the 14th and 15th fields; comm may hold spaces.
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    ticks.set(name, (ticks.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

describe("npm start's control plane", () => {
  it("runs on a thread of its own, named controllers, which does a pod's scheduling and kubelet steps", async () => {
    const pid = cluster.service.process.pid as number;
    const before = await threadTicks(pid);
    expect([...before.keys()], cluster.service.output()).toContain("controllers");
    expect((await k("create", "deployment", "web", "--image=nginx", "--replicas=20")).code).toBe(0);
    const rolled = await k("rollout", "status", "deployment/web", "--timeout=60s");
    expect(rolled.stdout).toContain('deployment "web" successfully rolled out');
    const after = await threadTicks(pid);
    // 20 pods created, scheduled and started: work the main thread no longer does.
    expect((after.get("controllers") ?? 0) - (before.get("controllers") ?? 0)).toBeGreaterThan(0);
  });
});
