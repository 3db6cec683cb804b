import type { Deployment, DeploymentCondition, DeploymentStatus } from "../../kube/types/apps-v1.ts";

/** What a condition's status may be. */
type ConditionStatus = "True" | "False" | "Unknown";

/** The deployment's status as stored. */
export function statusOf(d: Deployment): DeploymentStatus {
  return d.status ?? {};
}

/** NewDeploymentCondition, stamped `now`: every field set, in the API's order. */
export function newCondition(
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
  now: string,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** GetDeploymentCondition. */
export function getCondition(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** RemoveDeploymentCondition. */
export function removeCondition(status: DeploymentStatus, type: string): void {
  const kept = (status.conditions ?? []).filter((c) => c.type !== type);
  if (kept.length) status.conditions = kept;
  else delete status.conditions;
}

/**
 * SetDeploymentCondition: nothing happens when the same status and reason are already there;
 * otherwise the condition moves to the end, keeping its transition time if the status is the same.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  removeCondition(status, condition.type);
  status.conditions = [...(status.conditions ?? []), next];
}
