import type { KubeObject } from "../../kube/object.ts";
import { type Json, record, records, text } from "../../kube/validation/json.ts";

/** A node taint: key, value and effect (NoSchedule, PreferNoSchedule, NoExecute). */
export interface Taint {
  key: string;
  value: string;
  effect: string;
}

/** Toleration.ToleratesTaint: effect and key match when set; Equal compares values, Exists does not. */
export function tolerates(toleration: Json, taint: Taint): boolean {
  const effect = text(toleration.effect);
  const key = text(toleration.key);
  if (effect && effect !== taint.effect) return false;
  if (key && key !== taint.key) return false;
  const op = text(toleration.operator) || "Equal";
  if (op === "Exists") return true;
  return op === "Equal" && text(toleration.value) === taint.value;
}

/** Whether any of the pod's tolerations tolerates the taint. */
export function podTolerates(pod: KubeObject, taint: Taint): boolean {
  return records(record(pod.spec).tolerations).some((t) => tolerates(t, taint));
}

/**
 * The node's taints, with those the node lifecycle controller keeps on a node that is not Ready
 * (not-ready when Ready is False, unreachable when it is Unknown or missing).
 */
export function nodeTaints(node: KubeObject): Taint[] {
  const taints: Taint[] = records(record(node.spec).taints).map((t) => ({
    key: text(t.key),
    value: text(t.value),
    effect: text(t.effect),
  }));
  const ready = records(record(node.status).conditions).find((c) => c.type === "Ready");
  const condition = ready ? text(ready.status) : "Unknown";
  if (condition !== "True") {
    const key = condition === "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    if (!taints.some((t) => t.key === key && t.effect === "NoSchedule"))
      taints.push({ key, value: "", effect: "NoSchedule" });
  }
  return taints;
}
