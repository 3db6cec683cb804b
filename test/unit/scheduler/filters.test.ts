import { describe, expect, it } from "vitest";
import { bootstrapObjects } from "../../../kube/bootstrap/cluster.ts";
import { viewAs } from "../../../kube/kinds/kind.ts";
import { nodeKind } from "../../../kube/kinds/node/index.ts";
import type { Node, NodeSelectorTerm, Pod, PodSpec } from "../../../kube/types/core-v1.ts";
import { type FilterStatus, runFilters } from "../../../workers/scheduler/filters.ts";
import { fitErrorMessage } from "../../../workers/scheduler/fit-error.ts";
import { addPod, type NodeInfo, nodeInfoOf } from "../../../workers/scheduler/node-info.ts";
import { selectHost } from "../../../workers/scheduler/score.ts";

/** The three nodes every sandbox starts with (2 CPUs, ~3.7 GiB allocatable, 110 pods each). */
function nodes(change: (node: Node, i: number) => void = () => {}): NodeInfo[] {
  return bootstrapObjects("2025-01-01T00:00:00Z")
    .filter((o) => o.object.kind === "Node")
    .map((o, i) => {
      const node = viewAs(nodeKind, structuredClone(o.object));
      change(node, i);
      return nodeInfoOf(node);
    });
}

function pod(spec: PodSpec = {}, requests: Record<string, string> = {}, name = "p"): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}` },
    spec: {
      containers: [{ name: "c", image: "nginx", resources: { requests } }],
      priority: 0,
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ],
      ...spec,
    },
  };
}

/** Filters every node, then the message the scheduler would write when none fits. */
function schedule(p: Pod, infos: NodeInfo[]): string | string[] {
  const statuses = new Map<string, FilterStatus>();
  const fit: string[] = [];
  for (const info of infos) {
    const s = runFilters(p, info);
    if (s) statuses.set(info.name, s);
    else fit.push(info.name);
  }
  return fit.length ? fit : fitErrorMessage(p, infos, statuses);
}

const noVictims = "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
const notHelpful = "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";

describe("which nodes a pod fits, and the FailedScheduling message when none does", () => {
  const cases: [string, Pod, NodeInfo[], string | string[]][] = [
    [
      "a small pod fits every node",
      pod({}, { cpu: "100m", memory: "64Mi" }),
      nodes(),
      ["node-1", "node-2", "node-3"],
    ],
    [
      "too much memory everywhere",
      pod({}, { memory: "900Gi" }),
      nodes(),
      `0/3 nodes are available: 3 Insufficient memory. ${noVictims}`,
    ],
    [
      "too much cpu and memory: both reasons, sorted",
      pod({}, { cpu: "3", memory: "5Gi" }),
      nodes(),
      `0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory. ${noVictims}`,
    ],
    [
      "an extended resource no node has",
      pod({}, { "nvidia.com/gpu": "1" }),
      nodes(),
      `0/3 nodes are available: 3 Insufficient nvidia.com/gpu. ${noVictims}`,
    ],
    [
      "a nodeSelector no node matches",
      pod({ nodeSelector: { disktype: "ssd" } }),
      nodes(),
      `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${notHelpful}`,
    ],
    [
      "a nodeSelector one node matches",
      pod({ nodeSelector: { disktype: "ssd" } }),
      nodes((n, i) => {
        if (i === 1) n.metadata.labels = { ...n.metadata.labels, disktype: "ssd" };
      }),
      ["node-2"],
    ],
    [
      "a mix of reasons, counted per node and sorted as strings",
      pod({}, { cpu: "1500m", memory: "3Gi" }),
      nodes((n, i) => {
        if (i === 0) n.spec = { ...n.spec, unschedulable: true };
        if (i === 1)
          n.spec = { ...n.spec, taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] };
      }).map((info) => {
        if (info.name === "node-3") addPod(info, pod({}, { cpu: "1", memory: "1Gi" }, "busy"));
        return info;
      }),
      "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    ],
    [
      "a tolerated taint is no obstacle",
      pod({ tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }] }),
      nodes((n) => {
        n.spec = { ...n.spec, taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] };
      }),
      ["node-1", "node-2", "node-3"],
    ],
    [
      "a node that is not Ready carries the not-ready taint",
      pod({ nodeSelector: { "kubernetes.io/hostname": "node-1" } }),
      nodes((n, i) => {
        const ready = n.status?.conditions?.find((c) => c.type === "Ready");
        if (i === 0 && ready) ready.status = "False";
      }),
      `0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) didn't match Pod's node affinity/selector. ${notHelpful}`,
    ],
    [
      "a host port already taken",
      pod({
        containers: [
          { name: "c", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }] },
        ],
      }),
      nodes().map((info) => {
        addPod(
          info,
          pod(
            {
              containers: [
                {
                  name: "c",
                  image: "nginx",
                  ports: [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }],
                },
              ],
            },
            {},
            `web-${info.name}`,
          ),
        );
        return info;
      }),
      `0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports. ${noVictims}`,
    ],
    [
      "a full node: too many pods",
      pod(),
      nodes((n) => {
        if (n.status?.allocatable) n.status.allocatable.pods = "1";
      }).map((info) => {
        addPod(info, pod({}, {}, `only-${info.name}`));
        return info;
      }),
      `0/3 nodes are available: 3 Too many pods. ${noVictims}`,
    ],
    [
      "a pod that may not preempt says so",
      pod({ preemptionPolicy: "Never" }, { memory: "900Gi" }),
      nodes(),
      "0/3 nodes are available: 3 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.",
    ],
    [
      "higher priority, but evicting everything would not help",
      pod({ priority: 2000000000 }, { memory: "900Gi" }),
      nodes().map((info) => {
        addPod(info, pod({}, {}, `low-${info.name}`));
        return info;
      }),
      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 Insufficient memory.",
    ],
  ];
  it.each(cases)("%s", (_name, p, infos, expected) => {
    expect(schedule(p, infos)).toEqual(expected);
  });
});

describe("required node affinity", () => {
  const labelled = nodes((n, i) => {
    n.metadata.labels = { ...n.metadata.labels, zone: `z${i + 1}`, cores: String(2 * (i + 1)) };
  });
  const affinity = (term: NodeSelectorTerm) =>
    pod({
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
      },
    });
  const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({
    matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
  });
  const cases: [string, NodeSelectorTerm, string[]][] = [
    ["In", expr("zone", "In", ["z1", "z3"]), ["node-1", "node-3"]],
    ["NotIn", expr("zone", "NotIn", ["z1"]), ["node-2", "node-3"]],
    ["Exists", expr("zone", "Exists"), ["node-1", "node-2", "node-3"]],
    ["DoesNotExist", expr("gpu", "DoesNotExist"), ["node-1", "node-2", "node-3"]],
    ["Gt", expr("cores", "Gt", ["3"]), ["node-2", "node-3"]],
    ["Lt", expr("cores", "Lt", ["3"]), ["node-1"]],
    [
      "matchFields on the node's name",
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] },
      ["node-2"],
    ],
  ];
  it.each(cases)("%s", (_name, term, fits) => {
    expect(schedule(affinity(term), labelled)).toEqual(fits);
  });
});

describe("scoring spreads pods", () => {
  it("puts each new pod on the least loaded node, ties to the first by name", () => {
    const infos = nodes();
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = pod({}, { cpu: "100m", memory: "128Mi" }, `p${i}`);
      const host = selectHost(p, infos) as NodeInfo;
      addPod(host, p);
      placed.push(host.name);
    }
    expect(placed).toEqual(["node-1", "node-2", "node-3", "node-1", "node-2", "node-3"]);
  });

  it("prefers a node with more room", () => {
    const infos = nodes();
    addPod(infos[0] as NodeInfo, pod({}, { cpu: "1", memory: "1Gi" }, "big"));
    expect(selectHost(pod({}, { cpu: "100m" }), infos)?.name).toBe("node-2");
  });
});
