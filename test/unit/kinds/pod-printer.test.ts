import { describe, expect, it } from "vitest";
import { podKind } from "../../../kube/kinds/pod/index.ts";
import type { KubeObject } from "../../../kube/object.ts";
import { printed } from "./workload-support.ts";

const now = Date.parse("2025-01-01T12:00:00Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");

function pod(
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): KubeObject {
  return { metadata: { name: "web", creationTimestamp: ago(600), ...meta }, spec, status };
}

const one = { containers: [{ name: "c", image: "nginx" }] };
const two = {
  containers: [
    { name: "a", image: "nginx" },
    { name: "b", image: "centos" },
  ],
};
const running = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: ago(500) } },
  ...extra,
});

describe("kubectl get pods cells (printPod)", () => {
  const cases: [string, KubeObject, unknown[]][] = [
    [
      "a pending pod no scheduler has placed",
      pod(one, { phase: "Pending", qosClass: "BestEffort" }),
      ["web", "0/1", "Pending", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a running pod with an IP and a node",
      pod(
        { ...one, nodeName: "node-1" },
        {
          phase: "Running",
          podIP: "10.244.0.7",
          podIPs: [{ ip: "10.244.0.7" }],
          containerStatuses: [running("c")],
        },
      ),
      ["web", "1/1", "Running", "0", "10m", "10.244.0.7", "node-1", "<none>", "<none>"],
    ],
    [
      "a running pod whose container restarted twice, last 5 minutes ago",
      pod(one, {
        phase: "Running",
        containerStatuses: [
          running("c", { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }),
        ],
      }),
      ["web", "1/1", "Running", "2 (5m ago)", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a crash-looping container",
      pod(one, {
        phase: "Running",
        containerStatuses: [
          {
            name: "c",
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(30) } },
          },
        ],
      }),
      ["web", "0/1", "CrashLoopBackOff", "4 (30s ago)", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "two containers, one creating",
      pod(two, {
        phase: "Pending",
        containerStatuses: [
          running("a"),
          { name: "b", ready: false, state: { waiting: { reason: "ContainerCreating" } } },
        ],
      }),
      ["web", "1/2", "ContainerCreating", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a terminating pod",
      pod(one, { phase: "Running", containerStatuses: [running("c")] }, { deletionTimestamp: ago(1) }),
      ["web", "1/1", "Terminating", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a completed pod",
      pod(one, {
        phase: "Succeeded",
        containerStatuses: [
          { name: "c", ready: false, state: { terminated: { exitCode: 0, reason: "Completed" } } },
        ],
      }),
      ["web", "0/1", "Completed", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a terminated container without a reason",
      pod(one, {
        phase: "Failed",
        containerStatuses: [{ name: "c", ready: false, state: { terminated: { exitCode: 137 } } }],
      }),
      ["web", "0/1", "ExitCode:137", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "an init container still running",
      pod(
        { ...one, initContainers: [{ name: "init", image: "busybox" }] },
        {
          phase: "Pending",
          initContainerStatuses: [{ name: "init", ready: false, state: { running: {} } }],
          containerStatuses: [{ name: "c", ready: false, state: { waiting: { reason: "PodInitializing" } } }],
        },
      ),
      ["web", "0/1", "Init:0/1", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "an init container failing",
      pod(
        { ...one, initContainers: [{ name: "init", image: "busybox" }] },
        {
          phase: "Pending",
          initContainerStatuses: [
            { name: "init", ready: false, state: { waiting: { reason: "CrashLoopBackOff" } } },
          ],
        },
      ),
      ["web", "0/1", "Init:CrashLoopBackOff", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "a sidecar counts as a container",
      pod(
        { ...one, initContainers: [{ name: "side", image: "envoy", restartPolicy: "Always" }] },
        {
          phase: "Running",
          conditions: [{ type: "Initialized", status: "True" }],
          initContainerStatuses: [{ name: "side", ready: true, started: true, state: { running: {} } }],
          containerStatuses: [running("c")],
        },
      ),
      ["web", "2/2", "Running", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
    [
      "readiness gates, one met",
      pod(
        {
          ...one,
          readinessGates: [
            { conditionType: "a.example.com/ready" },
            { conditionType: "b.example.com/ready" },
          ],
        },
        {
          phase: "Pending",
          conditions: [{ type: "a.example.com/ready", status: "True" }],
          nominatedNodeName: "node-2",
        },
      ),
      ["web", "0/1", "Pending", "0", "10m", "<none>", "<none>", "node-2", "1/2"],
    ],
    [
      "a gated pod",
      pod(one, {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }],
      }),
      ["web", "0/1", "SchedulingGated", "0", "10m", "<none>", "<none>", "<none>", "<none>"],
    ],
  ];

  it.each(cases)("%s", (_name, obj, cells) => {
    expect(printed(podKind, obj, now)).toEqual(cells);
  });

  it("declares the columns kubectl prints, the last four only with -o wide", () => {
    expect(podKind.printer.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Ready", 0],
      ["Status", 0],
      ["Restarts", 0],
      ["Age", 0],
      ["IP", 1],
      ["Node", 1],
      ["Nominated Node", 1],
      ["Readiness Gates", 1],
    ]);
  });
});
