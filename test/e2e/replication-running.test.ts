import { describe, expect, it } from "vitest";
import { tutorialManifests, useSandbox } from "../support/service.ts";

// The tutorial's replication controllers as `kubectl get` shows them on a real cluster, pods
// Running. This needs the scheduler and the simulated kubelet as well as the replication
// controller and the garbage collector (the acceptance walk's control-plane section).
const cluster = useSandbox("replication-running");
const k = cluster.kubectl;

/** The NAME of each pod `kubectl get pods -l` prints as Running. */
async function running(selector: string): Promise<string[]> {
  const out = await k("get", "pods", "-l", selector, "--no-headers");
  return out.stdout
    .split("\n")
    .filter((line) => / Running /.test(line))
    .map((line) => line.split(/\s+/)[0] ?? "");
}
async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}
const runningCount = (selector: string, n: number) => async () => (await running(selector)).length === n;

describe("replication controllers whose pods run", () => {
  it("runs the tutorial RC's two pods and counts them ready", async () => {
    expect((await k("create", "-f", `${tutorialManifests}/my-first.rc.json`)).code).toBe(0);
    expect(await waitFor(runningCount("app=frontend", 2), 20)).toBe(true);
    const ready = await waitFor(
      async () =>
        /^frontend-controller\s+2\s+2\s+2\s/m.test((await k("get", "rc", "frontend-controller")).stdout),
      10,
    );
    expect(ready).toBe(true);
    const rc = JSON.parse((await k("get", "rc", "frontend-controller", "-o", "json")).stdout);
    expect(rc.status).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
  });

  it("runs a replacement for a deleted pod, and the deleted one goes", async () => {
    const [victim] = await running("app=frontend");
    expect((await k("delete", "pod", victim ?? "", "--wait=false")).code).toBe(0);
    expect(
      await waitFor(async () => {
        const now = await running("app=frontend");
        return now.length === 2 && !now.includes(victim ?? "");
      }, 20),
    ).toBe(true);
    expect(
      await waitFor(
        async () =>
          !(await k("get", "pods", "-l", "app=frontend", "--no-headers")).stdout.includes(`${victim} `),
        20,
      ),
    ).toBe(true);
  });

  it("scales up to 5 Running and down to 1", async () => {
    expect((await k("create", "-f", `${tutorialManifests}/rc.yaml`)).code).toBe(0);
    expect(await waitFor(runningCount("app=nginx", 3), 20)).toBe(true);
    expect((await k("scale", "rc", "nginx", "--replicas=5")).code).toBe(0);
    expect(await waitFor(runningCount("app=nginx", 5), 20)).toBe(true);
    expect((await k("scale", "rc", "nginx", "--replicas=1")).code).toBe(0);
    expect(await waitFor(runningCount("app=nginx", 1), 20)).toBe(true);
  });

  it("removes the Running pods with the RC, and keeps them with --cascade=orphan", async () => {
    expect((await k("delete", "rc", "frontend-controller")).code).toBe(0);
    expect(
      await waitFor(
        async () => (await k("get", "pods", "-l", "app=frontend", "--no-headers")).stdout.trim() === "",
        20,
      ),
    ).toBe(true);
    expect((await k("delete", "rc", "nginx", "--cascade=orphan")).code).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await running("app=nginx")).toHaveLength(1);
  });
});
