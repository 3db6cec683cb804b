import type { Node, Pod, Taint, Toleration } from "../../kube/types/core-v1.ts";

/** A node taint as the filters compare it: key, value ("" when unset) and effect (NoSchedule, PreferNoSchedule, NoExecute). */
export type NodeTaint = Required<Pick<Taint, "key" | "value" | "effect">>;

/** Toleration.ToleratesTaint: effect and key match when set; Equal compares values, Exists does not. */
export function tolerates(toleration: Toleration, taint: NodeTaint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const op = toleration.operator || "Equal";
  if (op === "Exists") return true;
  return op === "Equal" && (toleration.value ?? "") === taint.value;
}

/** Whether any of the pod's tolerations tolerates the taint. */
export function podTolerates(pod: Pod, taint: NodeTaint): boolean {
  return (pod.spec?.tolerations ?? []).some((t) => tolerates(t, taint));
}

/**
 * The node's taints, with those the node lifecycle controller keeps on a node that is not Ready
 * (not-ready when Ready is False, unreachable when it is Unknown or missing). Nothing validates a
 * node's taints or conditions, so a field Go always has may be missing: it reads as Go's "".
 */
export function nodeTaints(node: Node): NodeTaint[] {
  const taints: NodeTaint[] = (node.spec?.taints ?? []).map((t) => ({
    key: t.key ?? "",
    value: t.value ?? "",
    effect: t.effect ?? "",
  }));
  const ready = (node.status?.conditions ?? []).find((c) => c.type === "Ready");
  const condition = ready ? (ready.status ?? "") : "Unknown";
  if (condition !== "True") {
    const key = condition === "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    if (!taints.some((t) => t.key === key && t.effect === "NoSchedule"))
      taints.push({ key, value: "", effect: "NoSchedule" });
  }
  return taints;
}
