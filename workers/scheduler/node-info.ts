import type { SandboxWriter } from "../../db/store/writer.ts";
import { quantityValue } from "../../kube/quantity/quantity.ts";
import { readResourceList } from "../../kube/quantity/resource-list.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";
import {
  addInto,
  emptyResources,
  nonZeroRequests,
  podRequestResources,
  type Resources,
  toResources,
} from "./resources.ts";
import { schedulerSnapshot } from "./snapshot.ts";

/**
 * The scheduler's view of one node (framework.NodeInfo): what it offers, what the pods bound
 * to it ask for, which host ports they hold, and the pods themselves (for spreading).
 */
export interface NodeInfo {
  node: Node;
  name: string;
  allocatable: Resources;
  allowedPods: number;
  requested: Resources;
  nonZeroRequested: { milliCPU: bigint; memory: bigint };
  pods: Pod[];
  /** "<protocol>/<hostIP>/<port>" of every host port taken. */
  usedPorts: Set<string>;
}

/** A pod's host ports, as the NodePorts plugin reads them. */
export function hostPorts(pod: Pod): { protocol: string; hostIP: string; port: number }[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) =>
    (c.ports ?? []).flatMap(({ hostPort, protocol, hostIP }) =>
      hostPort !== undefined && hostPort > 0
        ? [{ protocol: protocol || "TCP", hostIP: hostIP || "0.0.0.0", port: hostPort }]
        : [],
    ),
  );
}

/** What a bound pod takes from its node: requests, requests as scoring counts them, host ports. */
interface PodUsage {
  requested: Resources;
  nonZero: { milliCPU: bigint; memory: bigint };
  ports: string[];
}

/**
 * Usage by pod object: the snapshot hands the same objects to every run (a changed pod is a new
 * object), and a pod's spec does not change while it is bound, so each is worked out once.
 */
const usages = new WeakMap<Pod, PodUsage>();

function usageOf(pod: Pod): PodUsage {
  let usage = usages.get(pod);
  if (!usage) {
    usage = {
      requested: podRequestResources(pod),
      nonZero: nonZeroRequests(pod),
      ports: hostPorts(pod).map((p) => `${p.protocol}/${p.hostIP}/${p.port}`),
    };
    usages.set(pod, usage);
  }
  return usage;
}

/** Counts a pod bound to the node (NodeInfo.AddPod). */
export function addPod(info: NodeInfo, pod: Pod): void {
  const usage = usageOf(pod);
  addInto(info.requested, usage.requested);
  info.nonZeroRequested.milliCPU += usage.nonZero.milliCPU;
  info.nonZeroRequested.memory += usage.nonZero.memory;
  info.pods.push(pod);
  for (const port of usage.ports) info.usedPorts.add(port);
}

/** A node with no pods counted yet. */
export function nodeInfoOf(node: Node): NodeInfo {
  const allocatable = readResourceList(node.status?.allocatable);
  const pods = allocatable.get("pods");
  return {
    node,
    name: node.metadata.name ?? "",
    allocatable: toResources(allocatable),
    allowedPods: pods ? Number(quantityValue(pods)) : 0,
    requested: emptyResources(),
    nonZeroRequested: { milliCPU: 0n, memory: 0n },
    pods: [],
    usedPorts: new Set(),
  };
}

/**
 * The cluster as the scheduler sees it: every node with the pods bound to it that still hold
 * resources (terminal pods do not, as the scheduler's informer filters them out).
 */
export async function loadNodeInfos(w: SandboxWriter): Promise<NodeInfo[]> {
  const { nodes, pods } = await schedulerSnapshot(w);
  const infos = new Map(nodes.map((n) => [n.metadata.name ?? "", nodeInfoOf(n)]));
  for (const pod of pods) {
    const info = infos.get(pod.spec?.nodeName ?? "");
    if (info) addPod(info, pod);
  }
  return [...infos.values()];
}
