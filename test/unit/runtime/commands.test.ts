import { describe, expect, it } from "vitest";
import { containerPlan } from "../../../kube/runtime/container-plan.ts";
import { pullImage } from "../../../kube/runtime/images.ts";
import type { Outcome } from "../../../kube/runtime/outcome.ts";
import { runProgram } from "../../../kube/runtime/programs.ts";
import type { Container } from "../../../kube/types/core-v1.ts";

const forever: Outcome = { kind: "forever" };
const exits = (status: number, ms = 0): Outcome => ({ kind: "done", status, ms });

describe("what a command does over time", () => {
  const cases: [string, string[], Outcome, boolean?][] = [
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
    [
      "the tutorial's curl loop",
      ["/bin/sh", "-c", "while : ; do curl http://localhost:80/; sleep 3; done"],
      forever,
    ],
    ["until false loops for ever", ["bash", "-c", "until false; do sleep 1; done"], forever],
    ["a loop that never starts", ["sh", "-c", "while false; do sleep 1; done; exit 4"], exits(4)],
    ["break leaves the loop", ["sh", "-c", "while true; do sleep 2; break; done"], exits(0, 2000)],
    ["for over words", ["sh", "-c", "for i in 1 2 3; do sleep 2; done"], exits(0, 6000)],
    ["for over $(seq)", ["sh", "-c", "for i in $(seq 1 10); do sleep 1; done; exit 4"], exits(4, 10_000)],
    ["|| runs on failure", ["sh", "-c", "false || exit 7"], exits(7)],
    ["&& stops on failure", ["sh", "-c", "false && exit 7"], exits(1)],
    ["set -e stops at the first failure", ["sh", "-c", "set -e; false; sleep 10"], exits(1)],
    [
      "if takes the branch its condition says",
      ["sh", "-c", "if false; then exit 2; else exit 3; fi"],
      exits(3),
    ],
    ["exec replaces the shell", ["sh", "-c", "echo start; exec sleep 5"], exits(0, 5000)],
    ["background jobs count only for wait", ["sh", "-c", "sleep 9 & sleep 2; wait"], exits(0, 9000)],
    ["a subshell's exit is its own", ["sh", "-c", "(exit 3); echo $?"], exits(0)],
    ["a syntax error exits 2", ["sh", "-c", "while true; do"], exits(2)],
    ["a bare shell without stdin ends at once", ["sh"], exits(0)],
    ["a bare shell with stdin waits", ["sh"], forever, true],
    ["a script file is unknown, and runs", ["sh", "/app/run.sh"], forever],
    ["tail -f never ends", ["tail", "-f", "/dev/null"], forever],
    ["nginx serves", ["nginx", "-g", "daemon off;"], forever],
    ["an unknown program runs", ["/usr/local/bin/myserver", "--port=80"], forever],
    ["python -c with sleep", ["python3", "-c", "import time; time.sleep(3)"], exits(0, 3000)],
    ["python -c with sys.exit", ["python", "-c", "import sys; sys.exit(3)"], exits(3)],
    ["python http.server", ["python3", "-m", "http.server"], forever],
    ["timeout cuts a long command", ["timeout", "2", "sleep", "10"], exits(124, 2000)],
    ["ping -c", ["ping", "-c", "3", "10.0.0.1"], exits(0, 2000)],
    ["docker-entrypoint.sh passes through", ["docker-entrypoint.sh", "sleep", "1"], exits(0, 1000)],
  ];
  it.each(cases)("%s", (_name, argv, expected, stdin = false) => {
    expect(runProgram(argv, { stdin })).toEqual(expected);
  });
});

describe("what a container runs, from its spec and its image", () => {
  const plan = (container: Container) => {
    const pull = pullImage(container.image ?? "");
    if (!pull.ok) throw new Error(pull.message);
    return containerPlan(container, pull.info);
  };
  const cases: [string, Container, ReturnType<typeof containerPlan>][] = [
    ["nginx serves", { name: "c", image: "nginx" }, { kind: "forever" }],
    [
      "redis serves with its args",
      { name: "c", image: "redis:7", args: ["--port", "6380"] },
      { kind: "forever" },
    ],
    ["busybox's sh ends at once", { name: "c", image: "busybox" }, { kind: "exit", code: 0, afterMs: 0 }],
    [
      "ubuntu's bash ends at once",
      { name: "c", image: "ubuntu:22.04" },
      { kind: "exit", code: 0, afterMs: 0 },
    ],
    ["busybox with stdin stays", { name: "c", image: "busybox", stdin: true }, { kind: "forever" }],
    [
      "args alone replace the image's cmd",
      { name: "c", image: "busybox", args: ["sleep", "5"] },
      { kind: "exit", code: 0, afterMs: 5000 },
    ],
    [
      "a command replaces the entrypoint",
      { name: "c", image: "nginx", command: ["sh", "-c", "exit 2"] },
      { kind: "exit", code: 2, afterMs: 0 },
    ],
    [
      "postgres without a password exits 1",
      { name: "c", image: "postgres:16" },
      { kind: "exit", code: 1, afterMs: 0 },
    ],
    [
      "postgres with a password serves",
      { name: "c", image: "postgres:16", env: [{ name: "POSTGRES_PASSWORD", value: "x" }] },
      { kind: "forever" },
    ],
    [
      "hello-world prints and exits",
      { name: "c", image: "hello-world" },
      { kind: "exit", code: 0, afterMs: 0 },
    ],
    ["an image of our own runs", { name: "c", image: "ghcr.io/acme/api:1.2" }, { kind: "forever" }],
  ];
  it.each(cases)("%s", (_name, container, expected) => {
    expect(plan(container)).toEqual(expected);
  });
});
