import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  kubectl,
  kubectlPath,
  removeDataDir,
  type Service,
  sandboxKubeconfig,
  startService,
  tutorialManifests,
} from "../support/service.ts";

let service: Service;
let sandbox: Awaited<ReturnType<typeof sandboxKubeconfig>>;
const k = (...args: string[]) => kubectl(sandbox.path, args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy or the deadline passes; returns the last value. */
async function eventually<T>(check: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(100);
  }
}
const row = async (name: string) => (await k("get", "pod", name, "--no-headers")).stdout.trim();

beforeAll(async () => {
  service = await startService(inject("databaseUrl"));
  sandbox = await sandboxKubeconfig(service, "cluster");
});

afterAll(async () => {
  expect(await service?.stop()).toBe(0);
  await removeDataDir(service.dataDir);
});

describe("pods run on the simulated cluster, seen through kubectl", () => {
  it("runs nginx: ContainerCreating then Running on the watch, with an IP and a node", async () => {
    const watch = spawn(kubectlPath, ["get", "pods", "-w"], {
      env: { ...process.env, KUBECONFIG: sandbox.path },
    });
    let seen = "";
    watch.stdout.on("data", (d) => {
      seen += d;
    });
    const killer = setTimeout(() => watch.kill(), 15_000);
    await sleep(300);
    expect((await k("run", "nginx", "--image=nginx")).stdout.trim()).toBe("pod/nginx created");
    await eventually(async () => / Running /.test(seen), 10_000);
    clearTimeout(killer);
    watch.kill();
    const statuses = seen
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/)[2]);
    expect(statuses).toEqual(["Pending", "Pending", "ContainerCreating", "Running"]);
    expect(seen).toMatch(/^nginx\s+1\/1\s+Running\s+0\s+\d+s$/m);
    const wide = await k("get", "pods", "nginx", "-o", "wide", "--no-headers");
    expect(wide.stdout).toMatch(
      /^nginx\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d\.\d+\s+node-\d\s+<none>\s+<none>$/m,
    );
  });

  it("runs the tutorial's two-container pod 2/2", async () => {
    await k("create", "-f", `${tutorialManifests}/my-first.pod.yaml`);
    expect(await eventually(async () => /2\/2\s+Running/.test(await row("my-first-pod")), 10_000)).toBe(true);
  });

  it("leaves a pod too big for any node Pending, and describe says why", async () => {
    const overrides = JSON.stringify({
      spec: {
        containers: [{ name: "hungry", image: "nginx", resources: { requests: { memory: "900Gi" } } }],
      },
    });
    await k("run", "hungry", "--image=nginx", "--restart=Never", `--overrides=${overrides}`);
    const described = await eventually(async () => {
      const out = (await k("describe", "pod", "hungry")).stdout;
      return /FailedScheduling/.test(out) ? out : "";
    }, 10_000);
    expect(described).toMatch(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 Insufficient memory\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\./,
    );
    expect(await row("hungry")).toMatch(/^hungry\s+0\/1\s+Pending\s+0\s+/);
  });

  it("fails to pull an image that cannot exist", async () => {
    await k("run", "ghost", "--image=nginx:doesnotexist");
    expect(
      await eventually(async () => /ErrImagePull|ImagePullBackOff/.test(await row("ghost")), 10_000),
    ).toBe(true);
    const described = (await k("describe", "pod", "ghost")).stdout;
    expect(described).toMatch(/Failed to pull image "nginx:doesnotexist": rpc error: code = NotFound/);
  });

  it("restarts a crashing container and backs off", async () => {
    await k("run", "crash", "--image=busybox", "--", "sh", "-c", "exit 1");
    const crashing = await eventually(async () => {
      const r = await row("crash");
      return /^crash\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test(r) ? r : "";
    }, 10_000);
    expect(crashing).toMatch(/^crash\s+0\/1\s+CrashLoopBackOff\s+1 \(\d+s ago\)\s+\d+s$/);
  });

  it("deletes a running pod promptly, the kubelet stopping it", async () => {
    const started = Date.now();
    const del = await k("delete", "pod", "nginx");
    expect(del.stdout.trim()).toBe('pod "nginx" deleted');
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await k("get", "pod", "nginx")).stderr).toMatch(/pods "nginx" not found/);
  });

  it("lists what happened as events", async () => {
    const events = (await k("get", "events")).stdout;
    for (const line of [
      /Normal\s+Scheduled\s+pod\/my-first-pod\s+Successfully assigned default\/my-first-pod to node-\d/,
      /Normal\s+Started\s+pod\/my-first-pod\s+Started container my-centos/,
      /Normal\s+Created\s+pod\/my-first-pod\s+Created container: my-nginx/,
      /Normal\s+Killing\s+pod\/nginx\s+Stopping container nginx/,
      /Warning\s+BackOff\s+pod\/crash\s+Back-off restarting failed container crash in pod crash_default\(/,
      /Warning\s+FailedScheduling\s+pod\/hungry\s+0\/3 nodes are available/,
    ])
      expect(events).toMatch(line);
  });
});

describe("latency", () => {
  it("takes a few dozen pods from create to Running quickly", async () => {
    const other = await sandboxKubeconfig(service, "latency");
    const token = /token: (\S+)/.exec(await readFile(other.path, "utf8"))?.[1] ?? "";
    const base = `${service.http}/sandboxes/${other.id}/api/v1/namespaces/default/pods`;
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    const bound = new Map<string, number>();
    const creating = new Map<string, number>();
    const watch = await fetch(`${base}?watch=true`, { headers });
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const reading = (async () => {
      while (running.size < 40) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let nl = buffer.indexOf("\n");
        while (nl >= 0) {
          const event = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          const pod = event.object;
          const n = pod.metadata.name;
          if (pod.spec?.nodeName && !bound.has(n)) bound.set(n, performance.now());
          if (pod.status?.hostIP && !creating.has(n)) creating.set(n, performance.now());
          if (pod.status?.phase === "Running" && !running.has(pod.metadata.name))
            running.set(pod.metadata.name, performance.now());
          nl = buffer.indexOf("\n");
        }
      }
    })();
    // 40 pods at 10 per second.
    for (let i = 0; i < 40; i++) {
      const name = `p${i}`;
      created.set(name, performance.now());
      void fetch(base, {
        method: "POST",
        headers,
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        }),
      });
      await sleep(100);
    }
    await Promise.race([reading, sleep(15_000)]);
    await reader.cancel();
    const latencies = [...created]
      .map(([name, at]) => (running.get(name) ?? Number.POSITIVE_INFINITY) - at)
      .sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(
        latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] as number,
      );
    console.log(
      `create → Running, 40 pods at 10/s: p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`,
    );
    const med = (m: Map<string, number>, from: Map<string, number>) => { const v = [...from].map(([n, t]) => (m.get(n) ?? 1e9) - t).sort((a, b) => a - b); return Math.round(v[Math.floor(v.length / 2)] as number); };
    console.log("median create→bound", med(bound, created), "bound→creating", med(creating, bound), "creating→running", med(running, creating));
    expect(running.size).toBe(40);
    expect(pct(50)).toBeLessThan(500);
  });
});
