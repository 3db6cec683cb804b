import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubectlPath, sandboxKubeconfig, tutorialManifests, useSandbox } from "../support/service.ts";
import { tlsFetch } from "../support/tls-fetch.ts";

const cluster = useSandbox("cluster");
const k = cluster.kubectl;
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

describe("pods run on the simulated cluster, seen through kubectl", () => {
  it("runs nginx: ContainerCreating then Running on the watch, with an IP and a node", async () => {
    const watch = spawn(kubectlPath, ["get", "pods", "-w"], {
      env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
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

/** The value below which `p` percent of the values lie. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
}

describe("latency", () => {
  it("takes a few dozen pods from create to Running quickly", async () => {
    const count = 40;
    const other = await sandboxKubeconfig(cluster.service, "latency");
    const token = /token: (\S+)/.exec(await readFile(other.path, "utf8"))?.[1] ?? "";
    const base = `${cluster.service.https}/sandboxes/${other.id}/api/v1/namespaces/default/pods`;
    // The Kubernetes API is on the TLS listener only, under the service's CA.
    const fetch = tlsFetch(await readFile(join(cluster.service.dataDir, "tls", "ca.crt"), "utf8"));
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    // When each pod was created, then first seen bound, taken on by its kubelet, and Running.
    const seen = {
      created: new Map<string, number>(),
      bound: new Map(),
      creating: new Map(),
      running: new Map(),
    };
    const watch = await fetch(`${base}?watch=true`, { headers });
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const reading = (async () => {
      while (seen.running.size < count) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const pod = JSON.parse(buffer.slice(0, nl)).object;
          buffer = buffer.slice(nl + 1);
          const name = pod.metadata.name;
          const mark = (m: Map<string, number>, yes: boolean) =>
            yes && !m.has(name) && m.set(name, performance.now());
          mark(seen.bound, !!pod.spec?.nodeName);
          mark(seen.creating, !!pod.status?.hostIP);
          mark(seen.running, pod.status?.phase === "Running");
        }
      }
    })();
    for (let i = 0; i < count; i++) {
      const name = `p${i}`;
      seen.created.set(name, performance.now());
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      };
      void fetch(base, { method: "POST", headers, body: JSON.stringify(pod) });
      await sleep(100);
    }
    await Promise.race([reading, sleep(15_000)]);
    await reader.cancel();
    const span = (to: Map<string, number>, from: Map<string, number>) =>
      [...from].map(([name, at]) => (to.get(name) ?? Number.POSITIVE_INFINITY) - at);
    const total = span(seen.running, seen.created);
    console.log(
      `create → Running, ${count} pods at 10/s: p50 ${percentile(total, 50)} ms, p90 ${percentile(total, 90)} ms, ` +
        `p99 ${percentile(total, 99)} ms, max ${percentile(total, 100)} ms (medians: create → bound ` +
        `${percentile(span(seen.bound, seen.created), 50)} ms, bound → ContainerCreating ` +
        `${percentile(span(seen.creating, seen.bound), 50)} ms, ContainerCreating → Running ` +
        `${percentile(span(seen.running, seen.creating), 50)} ms)`,
    );
    expect(seen.running.size).toBe(count);
    // Generous for a loaded machine; without the queue wake-up, delayed steps alone take ~0.5 s.
    expect(percentile(total, 50)).toBeLessThan(1000);
  });
});
