import { describe, expect, it } from "vitest";
import { threadCpuMs } from "../../bench/machine.ts";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("thread");
const k = cluster.kubectl;

describe("npm start's control plane", () => {
  it("runs on a thread of its own, named controllers, which does a pod's scheduling and kubelet steps", async () => {
    const pid = cluster.service.process.pid as number;
    const before = (await threadCpuMs(pid)) ?? new Map<string, number>();
    expect([...before.keys()], cluster.service.output()).toContain("controllers");
    expect((await k("create", "deployment", "web", "--image=nginx", "--replicas=20")).code).toBe(0);
    const rolled = await k("rollout", "status", "deployment/web", "--timeout=60s");
    expect(rolled.stdout).toContain('deployment "web" successfully rolled out');
    const after = (await threadCpuMs(pid)) ?? new Map<string, number>();
    // 20 pods created, scheduled and started: work the main thread no longer does.
    expect((after.get("controllers") ?? 0) - (before.get("controllers") ?? 0)).toBeGreaterThan(0);
  });
});
