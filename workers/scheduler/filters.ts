import type { Pod } from "../../kube/types/core-v1.ts";
import { matchesRequired } from "./node-affinity.ts";
import { hostPorts, type NodeInfo } from "./node-info.ts";
import { podRequestResources } from "./resources.ts";
import { nodeTaints, podTolerates } from "./taints.ts";

/**
 * The default scheduler's Filter plugins that apply here, in the order kube-scheduler 1.32 runs
 * them (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit), with
 * their status codes and reasons, word for word. A node fails at the first plugin that rejects
 * it; NodeResourcesFit reports every resource that is short.
 */

/** Why a node does not fit: preemption could help (Unschedulable) or not (…AndUnresolvable). */
export interface FilterStatus {
  code: "Unschedulable" | "UnschedulableAndUnresolvable";
  reasons: string[];
}

type Filter = (pod: Pod, info: NodeInfo) => FilterStatus | null;

const unresolvable = (reason: string): FilterStatus => ({
  code: "UnschedulableAndUnresolvable",
  reasons: [reason],
});

const nodeUnschedulable: Filter = (pod, info) =>
  info.node.spec?.unschedulable === true &&
  !podTolerates(pod, { key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule" })
    ? unresolvable("node(s) were unschedulable")
    : null;

const taintToleration: Filter = (pod, info) => {
  const taint = nodeTaints(info.node).find(
    (t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !podTolerates(pod, t),
  );
  return taint ? unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value}}`) : null;
};

const nodeAffinity: Filter = (pod, info) =>
  matchesRequired(pod, info.node) ? null : unresolvable("node(s) didn't match Pod's node affinity/selector");

/** HostPortInfo.CheckConflict: 0.0.0.0 clashes with every address of the same protocol and port. */
const nodePorts: Filter = (pod, info) => {
  const clash = hostPorts(pod).some((p) =>
    p.hostIP === "0.0.0.0"
      ? [...info.usedPorts].some((u) => u.startsWith(`${p.protocol}/`) && u.endsWith(`/${p.port}`))
      : info.usedPorts.has(`${p.protocol}/${p.hostIP}/${p.port}`) ||
        info.usedPorts.has(`${p.protocol}/0.0.0.0/${p.port}`),
  );
  return clash
    ? { code: "Unschedulable", reasons: ["node(s) didn't have free ports for the requested pod ports"] }
    : null;
};

/** fitsRequest: the pod count, then cpu, memory, ephemeral storage and the rest, against what is left. */
export function insufficientResources(pod: Pod, info: NodeInfo): string[] {
  const reasons: string[] = [];
  if (info.pods.length + 1 > info.allowedPods) reasons.push("Too many pods");
  const want = podRequestResources(pod);
  const { allocatable: have, requested: used } = info;
  if (want.milliCPU > 0n && want.milliCPU > have.milliCPU - used.milliCPU) reasons.push("Insufficient cpu");
  if (want.memory > 0n && want.memory > have.memory - used.memory) reasons.push("Insufficient memory");
  if (want.ephemeralStorage > 0n && want.ephemeralStorage > have.ephemeralStorage - used.ephemeralStorage)
    reasons.push("Insufficient ephemeral-storage");
  for (const [name, q] of want.scalar)
    if (q > 0n && q > (have.scalar.get(name) ?? 0n) - (used.scalar.get(name) ?? 0n))
      reasons.push(`Insufficient ${name}`);
  return reasons;
}

const nodeResourcesFit: Filter = (pod, info) => {
  const reasons = insufficientResources(pod, info);
  return reasons.length ? { code: "Unschedulable", reasons } : null;
};

const filters: Filter[] = [nodeUnschedulable, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit];

/** Runs the filters on one node: null when the pod fits, else the first rejection. */
export function runFilters(pod: Pod, info: NodeInfo): FilterStatus | null {
  for (const filter of filters) {
    const status = filter(pod, info);
    if (status) return status;
  }
  return null;
}
