import type { KubeObject } from "../../kube/object.ts";
import { record } from "../../kube/validation/json.ts";

/** apps/v1 DeploymentCondition as JSON, fields in the API's order. */
export interface DeploymentCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** apps/v1 DeploymentStatus as JSON; zero counts are left out, as Go's omitempty does. */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

/** The deployment's status as stored. */
export function statusOf(d: KubeObject): DeploymentStatus {
  return record(d.status) as DeploymentStatus;
}

/** NewDeploymentCondition, stamped `now`. */
export function newCondition(
  type: string,
  status: DeploymentCondition["status"],
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
