import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

/**
 * kubetail (Debian's, a bash script around kubectl) against a sandbox: it finds pods by name or
 * label through `kubectl get pods -o jsonpath`, then runs `kubectl logs` for each container.
 */
const cluster = useSandbox("kubetail");

/**
 * Runs kubetail in a process group of its own (its EXIT trap is `kill 0`, which would reach the
 * test runner otherwise), under bash without 5.2's patsub_replacement, which breaks the " & "
 * it joins several pods' commands with in the Debian version. Its output, colours removed.
 */
/** tput's escape sequences: ESC ( B and ESC [ … m. */
const escapes = new RegExp(`${String.fromCharCode(27)}(\\(B|\\[[0-9;]*m)`, "g");

function kubetail(...args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn("bash", ["+O", "patsub_replacement", "/usr/bin/kubetail", ...args, "-k", "false"], {
      env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      process.kill(-(child.pid ?? 0), "SIGKILL");
      fail(new Error(`kubetail did not finish: ${out}`));
    }, 30_000);
    child.on("exit", () => {
      clearTimeout(timer);
      // tput's sequences (sgr0 and colours), and the shell's report of its own `kill 0`.
      done(out.replace(escapes, "").replace(/^Terminated$/gm, ""));
    });
  });
}

async function runningPods(selector: string, count: number): Promise<string[]> {
  for (let i = 0; i < 60; i++) {
    const { stdout } = await cluster.kubectl("get", "pods", "-l", selector, "--no-headers");
    const running = stdout.split("\n").filter((line) => / 1\/1 +Running /.test(line));
    if (running.length === count) return running.map((line) => line.split(/\s+/)[0] as string).sort();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`pods ${selector} not Running`);
}

describe("kubetail against a sandbox", () => {
  it("finds a deployment's pods by name and by label", async () => {
    await cluster.kubectl("create", "deployment", "tail-me", "--image=nginx:1.27", "--replicas=2");
    const pods = await runningPods("app=tail-me", 2);
    const byName = await kubetail("tail-me", "-d");
    expect(byName.split("\n").filter(Boolean)).toEqual(["Will tail 2 logs...", ...pods]);
    const byLabel = await kubetail("-l", "app=tail-me", "-d", "-c", "nginx");
    expect(byLabel).toContain("Will tail 2 logs...");
    for (const pod of pods) expect(byLabel).toContain(pod);
  });

  it("prints each pod's log, prefixed with its name, as kubectl logs gives it", async () => {
    const pods = await runningPods("app=tail-me", 2);
    const expected: string[] = [];
    for (const pod of pods) {
      const logs = await cluster.kubectl("logs", pod, "nginx", "--since=1h");
      expected.push(
        ...logs.stdout
          .split("\n")
          .filter(Boolean)
          .map((line) => `[${pod}] ${line}`.trimEnd()),
      );
      expected.push(...logs.stderr.split("\n").filter(Boolean));
    }
    const tailed = await kubetail("tail-me", "-f", "false", "--since", "1h");
    const lines = tailed
      .split("\n")
      .map((line) => line.trimEnd())
      .filter((line) => line && line !== "Will tail 2 logs..." && !pods.includes(line));
    expect(lines.sort()).toEqual(expected.sort());
  });
});
