import { describe, expect, it } from "vitest";
import { containerPlan, type Plan } from "../../../kube/runtime/container-plan.ts";
import { pullImage } from "../../../kube/runtime/images.ts";
import type { Container, Pod } from "../../../kube/types/core-v1.ts";

/**
 * What a container does over time, as its shell (just-bash on the virtual clock) decides: the
 * cases the hand-written evaluator covered, now run by the interpreter. Changed on purpose:
 * a script file that is not in the image fails as the shell says (127) instead of "running";
 * background jobs run in turn (just-bash has no concurrency), so `sleep 9 & sleep 2; wait`
 * takes 11 s, not 9 s.
 */

const pod: Pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [] } };
const forever: Plan = { kind: "forever" };
const exits = (code: number, afterMs = 0): Plan => ({
  kind: "exit",
  code,
  afterMs,
  reason: code === 0 ? "Completed" : "Error",
});

async function plan(container: Container): Promise<Plan> {
  const pull = pullImage(container.image ?? "");
  if (!pull.ok) throw new Error(pull.message);
  return containerPlan(pod, container, pull.info);
}

describe("what a command does over time", () => {
  const cases: [string, string[], Plan, boolean?][] = [
    ["sleep N runs N seconds and exits 0", ["sleep", "3600"], exits(0, 3_600_000)],
    ["sleep with units and fractions", ["sleep", "1m", "0.5"], exits(0, 60_500)],
    ["sleep infinity never ends", ["sleep", "infinity"], forever],
    ["a bad sleep argument fails", ["sleep", "soon"], exits(1)],
    ["true", ["true"], exits(0)],
    ["false", ["/bin/false"], exits(1)],
    ["sh -c exit N", ["sh", "-c", "exit 1"], exits(1)],
    ["exit codes wrap at 256", ["sh", "-c", "exit 257"], exits(1)],
    ["sleep then exit", ["sh", "-c", "sleep 5; exit 3"], exits(3, 5000)],
    ["while true loops for ever", ["sh", "-c", "while true; do echo hi; sleep 1; done"], forever],
    ["the tutorial's loop", ["/bin/sh", "-c", "while : ; do echo hello; sleep 3; done"], forever],
    ["until false loops for ever", ["bash", "-c", "until false; do sleep 1; done"], forever],
    ["a loop that never starts", ["sh", "-c", "while false; do sleep 1; done; exit 4"], exits(4)],
    ["break leaves the loop", ["sh", "-c", "while true; do sleep 2; break; done"], exits(0, 2000)],
    ["for over words", ["sh", "-c", "for i in 1 2 3; do sleep 2; done"], exits(0, 6000)],
    ["for over $(seq)", ["sh", "-c", "for i in $(seq 1 10); do sleep 1; done; exit 4"], exits(4, 10_000)],
    [
      "a counting loop ends",
      ["sh", "-c", "i=0; while [ $i -lt 5 ]; do i=$((i+1)); sleep 1; done; exit $i"],
      exits(5, 5000),
    ],
    ["case picks its branch", ["sh", "-c", 'case "$HOSTNAME" in p) exit 6;; *) exit 7;; esac'], exits(6)],
    ["functions run", ["sh", "-c", "f() { sleep $1; return 2; }; f 3; exit $?"], exits(2, 3000)],
    ["|| runs on failure", ["sh", "-c", "false || exit 7"], exits(7)],
    ["&& stops on failure", ["sh", "-c", "false && exit 7"], exits(1)],
    ["set -e stops at the first failure", ["sh", "-c", "set -e; false; sleep 10"], exits(1)],
    [
      "if takes the branch its condition says",
      ["sh", "-c", "if false; then exit 2; else exit 3; fi"],
      exits(3),
    ],
    ["exec runs the command", ["sh", "-c", "echo start; exec sleep 5"], exits(0, 5000)],
    ["a subshell's exit is its own", ["sh", "-c", "(exit 3); echo $?"], exits(0)],
    ["a syntax error exits 2", ["sh", "-c", "while true; do"], exits(2)],
    ["a bare shell without stdin ends at once", ["sh"], exits(0)],
    ["a bare shell with stdin waits", ["sh"], forever, true],
    ["a script file the image lacks fails", ["sh", "/app/run.sh"], exits(127)],
    ["tail -f never ends", ["tail", "-f", "/dev/null"], forever],
    ["nginx serves", ["nginx", "-g", "daemon off;"], forever],
    ["a program the image lacks is not found", ["/usr/local/bin/myserver", "--port=80"], exits(127)],
    ["python -c with sleep", ["python3", "-c", "import time; time.sleep(3)"], exits(0, 3000)],
    ["python -c with sys.exit", ["python", "-c", "import sys; sys.exit(3)"], exits(3)],
    ["python http.server", ["python3", "-m", "http.server"], forever],
    ["timeout cuts a long command", ["timeout", "2", "sleep", "10"], exits(124, 2000)],
    ["timeout lets a short command finish", ["timeout", "20", "sh", "-c", "sleep 1; exit 5"], exits(5, 1000)],
  ];
  it.each(cases)("%s", async (_name, argv, expected, stdin = false) => {
    expect(await plan({ name: "c", image: "busybox", command: argv, stdin })).toEqual(expected);
  });
});

describe("what a container runs, from its spec and its image", () => {
  const cases: [string, Container, Plan][] = [
    ["nginx serves", { name: "c", image: "nginx" }, forever],
    ["redis serves with its args", { name: "c", image: "redis:7", args: ["--port", "6380"] }, forever],
    ["busybox's sh ends at once", { name: "c", image: "busybox" }, exits(0)],
    ["ubuntu's bash ends at once", { name: "c", image: "ubuntu:22.04" }, exits(0)],
    ["busybox with stdin stays", { name: "c", image: "busybox", stdin: true }, forever],
    [
      "args alone replace the image's cmd",
      { name: "c", image: "busybox", args: ["sleep", "5"] },
      exits(0, 5000),
    ],
    [
      "a command replaces the entrypoint",
      { name: "c", image: "nginx", command: ["sh", "-c", "exit 2"] },
      exits(2),
    ],
    ["postgres without a password exits 1", { name: "c", image: "postgres:16" }, exits(1)],
    [
      "postgres with a password serves",
      { name: "c", image: "postgres:16", env: [{ name: "POSTGRES_PASSWORD", value: "x" }] },
      forever,
    ],
    ["mysql without a password exits 1", { name: "c", image: "mysql:8" }, exits(1)],
    [
      "mysql with a root password serves",
      { name: "c", image: "mysql:8", env: [{ name: "MYSQL_ROOT_PASSWORD", value: "x" }] },
      forever,
    ],
    ["hello-world prints and exits", { name: "c", image: "hello-world" }, exits(0)],
    ["an image of our own runs", { name: "c", image: "ghcr.io/acme/api:1.2" }, forever],
    ["pause runs", { name: "c", image: "registry.k8s.io/pause:3.10" }, forever],
    ["httpd serves", { name: "c", image: "httpd:2.4" }, forever],
  ];
  it.each(cases)("%s", async (_name, container, expected) => {
    expect(await plan(container)).toEqual(expected);
  });
});
