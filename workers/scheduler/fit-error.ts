import type { Pod } from "../../kube/types/core-v1.ts";
import { type FilterStatus, runFilters } from "./filters.ts";
import { addPod, type NodeInfo, nodeInfoOf } from "./node-info.ts";

/**
 * The message of a pod that fits no node (framework.FitError), as the PodScheduled condition
 * and the FailedScheduling event carry it: a histogram of the filters' reasons, each
 * "<count> <reason>", sorted as strings, then what the DefaultPreemption plugin found:
 * "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available:
 * 3 No preemption victims found for incoming pod."
 */

function histogram(statuses: FilterStatus[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const items = [...counts].map(([reason, n]) => `${n} ${reason}`);
  // Go's sort.Strings compares bytes, which is what < does on these ASCII strings.
  return items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(", ");
}

function priorityOf(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** The node's pods the incoming pod could evict, and whether it then fits (SelectVictimsOnNode). */
function preemptionStatus(pod: Pod, info: NodeInfo): string[] {
  const priority = priorityOf(pod);
  const victims = info.pods.filter((p) => priorityOf(p) < priority);
  if (!victims.length) return ["No preemption victims found for incoming pod"];
  const emptied = nodeInfoOf(info.node);
  for (const p of info.pods) if (!victims.includes(p)) addPod(emptied, p);
  // Even with every lower-priority pod gone it does not fit: that filter's reasons. (When it
  // would fit, a real scheduler evicts; the simulation does not preempt, and says no victims.)
  return runFilters(pod, emptied)?.reasons ?? ["No preemption victims found for incoming pod"];
}

/** The PostFilter (DefaultPreemption) part: "preemption: …", or why the pod may not preempt. */
function preemptionMessage(pod: Pod, infos: NodeInfo[], statuses: Map<string, FilterStatus>): string {
  if (pod.spec?.preemptionPolicy === "Never")
    return "preemption: not eligible due to preemptionPolicy=Never.";
  const per: FilterStatus[] = infos.map((info) => {
    const s = statuses.get(info.name);
    if (!s || s.code === "UnschedulableAndUnresolvable")
      return { code: "UnschedulableAndUnresolvable", reasons: ["Preemption is not helpful for scheduling"] };
    return { code: "Unschedulable", reasons: preemptionStatus(pod, info) };
  });
  return `preemption: 0/${infos.length} nodes are available: ${histogram(per)}.`;
}

/** The full FitError message for a pod every node rejected, with each node's status. */
export function fitErrorMessage(pod: Pod, infos: NodeInfo[], statuses: Map<string, FilterStatus>): string {
  const filtered = `0/${infos.length} nodes are available: ${histogram([...statuses.values()])}.`;
  return `${filtered} ${preemptionMessage(pod, infos, statuses)}`;
}
