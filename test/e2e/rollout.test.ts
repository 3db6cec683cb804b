import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

// Deployments, rollouts and service endpoints with the real kubectl against the real service.
// The "empty" deployment (0 replicas) needs only the deployment controller; the "web" one needs
// the whole control plane: the ReplicaSet controller, the scheduler and the simulated kubelet
// (pods Running, Ready, with IPs), and the endpoints controllers.

const cluster = useSandbox("rollout");
const k = cluster.kubectl;

/** Polls `fn` until it returns a truthy value or the deadline passes (then returns the last value). */
async function until<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The REVISION column of `kubectl rollout history`. */
async function revisions(name: string): Promise<string[]> {
  const r = await k("rollout", "history", `deployment/${name}`);
  expect(r.stdout).toMatch(new RegExp(`^deployment\\.apps/${name} $\\n^REVISION\\s+CHANGE-CAUSE$`, "m"));
  return [...r.stdout.matchAll(/^(\d+)\s+<none>$/gm)].map((m) => m[1] ?? "");
}

describe("rollouts of a deployment without pods (the deployment controller alone)", () => {
  it("rolls out, rolls over to a second ReplicaSet, and undoes back to the first", async () => {
    expect((await k("create", "deployment", "empty", "--image=nginx", "--replicas=0")).stdout).toBe(
      "deployment.apps/empty created\n",
    );
    const status = await k("rollout", "status", "deployment/empty", "--timeout=20s");
    expect(status.stdout).toContain('deployment "empty" successfully rolled out');
    const first = (await k("get", "rs", "-l", "app=empty", "-o", "name")).stdout.trim();
    expect(first).toMatch(/^replicaset\.apps\/empty-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);

    expect((await k("set", "image", "deployment/empty", "nginx=nginx:1.25")).stdout).toBe(
      "deployment.apps/empty image updated\n",
    );
    expect((await k("rollout", "status", "deployment/empty", "--timeout=20s")).stdout).toContain(
      "successfully rolled out",
    );
    const sets = await until(async () => {
      const out = (await k("get", "rs", "-l", "app=empty", "--no-headers")).stdout.trim().split("\n");
      return out.length === 2 ? out : null;
    }, 10_000);
    expect(sets).toHaveLength(2);
    expect(await revisions("empty")).toEqual(["1", "2"]);

    const undo = await k("rollout", "undo", "deployment/empty");
    expect(undo.stdout).toBe("deployment.apps/empty rolled back\n");
    expect((await k("rollout", "status", "deployment/empty", "--timeout=20s")).stdout).toContain(
      "successfully rolled out",
    );
    expect(await until(async () => (await revisions("empty")).join() === "2,3", 10_000)).toBe(true);
    // Revision 3 is the first ReplicaSet, reused: its template has the old image.
    const rev3 = await k("rollout", "history", "deployment/empty", "--revision=3");
    expect(rev3.stdout).toMatch(/Image:\s+nginx\n/);
    expect(
      (await k("get", first, "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
        .stdout,
    ).toBe("3");
    expect((await k("get", "deployment", "empty", "-o", "wide")).stdout).toMatch(
      /^empty\s+0\/0\s+0\s+0\s+\d+s\s+nginx\s+nginx\s+app=empty$/m,
    );
  });
});

describe("a deployment with pods, and a service in front of it (the whole control plane)", () => {
  it("rolls out 3 replicas and rolls over to a new image", async () => {
    expect((await k("create", "deployment", "web", "--image=nginx", "--replicas=3")).code).toBe(0);
    const first = await k("rollout", "status", "deployment/web", "--timeout=30s");
    expect(first.stdout).toContain('deployment "web" successfully rolled out');
    expect((await k("get", "deployment", "web")).stdout).toMatch(/^web\s+3\/3\s+3\s+3\s+\d+s$/m);
    expect((await k("get", "rs", "-l", "app=web")).stdout).toMatch(/^web-[a-z0-9]+\s+3\s+3\s+3\s+\d+s$/m);

    await k("set", "image", "deployment/web", "nginx=nginx:1.25");
    const second = await k("rollout", "status", "deployment/web", "--timeout=40s");
    expect(second.stdout).toContain('deployment "web" successfully rolled out');
    const rs = (await k("get", "rs", "-l", "app=web", "--no-headers")).stdout.trim().split("\n");
    expect(rs.map((line) => line.split(/\s+/).slice(1, 4).join(" ")).sort()).toEqual(["0 0 0", "3 3 3"]);
    const describe = await k("describe", "deployment", "web");
    expect(describe.stdout).toMatch(
      /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 3/,
    );
    expect(describe.stdout).toMatch(/^NewReplicaSet:\s+web-\w+ \(3\/3 replicas created\)$/m);
  });

  it("exposes the deployment: describe svc and get endpoints show the pods' IPs", async () => {
    expect((await k("expose", "deployment", "web", "--port=80")).stdout).toBe("service/web exposed\n");
    // The old ReplicaSet's pods take a moment to stop; then three are left.
    const ips = await until(async () => {
      const out = await k("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.podIP}");
      const list = out.stdout.trim().split(" ").filter(Boolean);
      return list.length === 3 ? list : null;
    }, 15_000);
    expect(ips).toHaveLength(3);
    const shown = await until(async () => {
      const out = (await k("describe", "svc", "web")).stdout;
      return /^Endpoints:\s+\d+\.\d+\.\d+\.\d+:80,\S+:80,\S+:80$/m.test(out) ? out : null;
    }, 15_000);
    expect(shown).toBeTruthy();
    for (const ip of ips ?? []) expect(shown).toContain(`${ip}:80`);
    expect((await k("get", "endpoints", "web")).stdout).toMatch(
      /^web\s+(\d+\.\d+\.\d+\.\d+:80,?){3}\s+\d+s$/m,
    );
  });

  it("undoes the rollout back to the first ReplicaSet", async () => {
    expect((await k("rollout", "undo", "deployment/web")).stdout).toBe("deployment.apps/web rolled back\n");
    const status = await k("rollout", "status", "deployment/web", "--timeout=40s");
    expect(status.stdout).toContain("successfully rolled out");
    expect(await revisions("web")).toEqual(["2", "3"]);
    expect(
      (await k("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"))
        .stdout,
    ).toBe("nginx");
  });
});
