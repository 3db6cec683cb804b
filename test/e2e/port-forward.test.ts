import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubectlPath, revocableKubeconfig, useSandbox } from "../support/service.ts";

const cluster = useSandbox("port-forward");
const k = cluster.kubectl;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGINT");
});

async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Starts `kubectl port-forward`, resolves once it says it is forwarding; its output so far in `output`. */
function portForward(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(
    kubectlPath,
    ["port-forward", ...args, `--cache-dir=${join(tmpdir(), "kubesandbox-kubectl-cache")}`],
    {
      env: { ...process.env, KUBECONFIG: cluster.sandbox.path, ...env },
    },
  );
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${output}`)), 20_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Forwarding from 127.0.0.1")) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", () => reject(new Error(`port-forward exited: ${output}`)));
  });
}

describe("kubectl port-forward (WebSocket tunnelling SPDY, kubectl 1.32)", () => {
  it("a curl on the host reaches nginx in the pod, and through svc/NAME its target port", async () => {
    expect((await k("run", "pf-web", "--image=nginx", "--labels=app=pf", "--port=80")).code).toBe(0);
    expect((await k("expose", "pod", "pf-web", "--name=pfsvc", "--port=8000", "--target-port=80")).code).toBe(
      0,
    );
    expect(
      await waitFor(
        async () => (await k("get", "pod", "pf-web", "--no-headers")).stdout.includes("Running"),
        30,
      ),
    ).toBe(true);

    const pod = await portForward(["pod/pf-web", "18191:80"]);
    expect(pod.output()).toContain("Forwarding from 127.0.0.1:18191 -> 80");
    const first = await fetch("http://127.0.0.1:18191/");
    expect(first.status).toBe(200);
    expect(first.headers.get("server")).toBe("nginx/1.27.3");
    expect(await first.text()).toContain("<title>Welcome to nginx!</title>");
    const missing = await fetch("http://127.0.0.1:18191/nope");
    expect(missing.status).toBe(404);
    expect(await waitFor(async () => pod.output().includes("Handling connection for 18191"), 5)).toBe(true);

    const svc = await portForward(["svc/pfsvc", "18192:8000"]);
    expect(svc.output()).toContain("Forwarding from 127.0.0.1:18192 -> 80");
    expect(await (await fetch("http://127.0.0.1:18192/")).text()).toContain("Welcome to nginx!");
  });

  it("serves the page exec wrote into the pod, on the same forward", async () => {
    // pf-web and the forward on 18191 from the test above.
    const wrote = await k(
      "exec",
      "pf-web",
      "--",
      "sh",
      "-c",
      "echo hello > /usr/share/nginx/html/index.html",
    );
    expect(wrote.code, wrote.stderr).toBe(0);
    const res = await fetch("http://127.0.0.1:18191/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello\n");
  });

  it("a port nothing listens on: kubectl reports the kubelet's error and the connection closes", async () => {
    const pf = await portForward(["pod/pf-web", "18193:8080"]);
    await expect(fetch("http://127.0.0.1:18193/")).rejects.toThrow();
    expect(await waitFor(async () => pf.output().includes("connect: connection refused"), 5)).toBe(true);
    expect(pf.output()).toContain("an error occurred forwarding 18193 -> 8080");
  });

  it("ends when its kubeconfig is revoked, and when its pod is deleted", async () => {
    expect((await k("run", "pf-end", "--image=nginx")).code).toBe(0);
    expect(
      await waitFor(
        async () => (await k("get", "pod", "pf-end", "--no-headers")).stdout.includes("Running"),
        30,
      ),
    ).toBe(true);
    const exited = (child: ChildProcess) =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) resolve(child.exitCode);
        child.on("exit", (code) => resolve(code));
      });
    // A kubeconfig of its own, revoked while its forward is open.
    const issued = await revocableKubeconfig(cluster.service, cluster.sandbox, "revoked-pf");
    const revoked = await portForward(["pod/pf-end", "18194:80"], { KUBECONFIG: issued.path });
    expect((await fetch("http://127.0.0.1:18194/")).status).toBe(200);
    const revokedExit = exited(revoked.child);
    await issued.revoke();
    expect(await revokedExit).not.toBe(0);
    expect(revoked.output()).toContain("lost connection to pod");
    // The pod deleted: the forward ends, as kubectl's does when its pod goes.
    const gone = await portForward(["pod/pf-end", "18195:80"]);
    expect((await fetch("http://127.0.0.1:18195/")).status).toBe(200);
    const goneExit = exited(gone.child);
    expect((await k("delete", "pod", "pf-end", "--grace-period=0", "--force")).code).toBe(0);
    expect(await goneExit).not.toBe(0);
    expect(gone.output()).toContain("lost connection to pod");
  });
});
