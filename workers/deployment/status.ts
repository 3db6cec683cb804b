import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import { timestamp } from "../../kube/object.ts";
import type { Deployment, DeploymentCondition, DeploymentStatus } from "../../kube/types/apps-v1.ts";
import { getCondition, newCondition, removeCondition, setCondition, statusOf } from "./conditions.ts";
import type { RolloutParams } from "./fenceposts.ts";
import { type RsView, totalAvailable, totalReplicas } from "./view.ts";

/** Go's math.MaxInt32: a progress deadline or history limit that means "none". */
const maxInt32 = 2147483647;

/** HasProgressDeadline: progressDeadlineSeconds set and not "forever". */
export function progressDeadline(d: Deployment): number | null {
  const v = d.spec?.progressDeadlineSeconds;
  return v !== undefined && v !== maxInt32 ? v : null;
}

/** HasRevisionHistoryLimit: revisionHistoryLimit set and not "keep all". */
export function revisionHistoryLimit(d: Deployment): number | null {
  const v = d.spec?.revisionHistoryLimit;
  return v !== undefined && v !== maxInt32 ? v : null;
}

/** The counts of a DeploymentStatus. */
type Count = Exclude<keyof DeploymentStatus, "conditions" | "collisionCount">;

/** Leaves zero counts out, as the Go struct's omitempty tags do. */
function count(status: DeploymentStatus, field: Count, n: number): void {
  if (n !== 0) status[field] = n;
}

/**
 * calculateStatus: the counts summed over the ReplicaSets (updated = the new one's pods), and
 * the Available condition: at least replicas − maxUnavailable pods available.
 */
export function calculateStatus(
  d: Deployment,
  p: RolloutParams,
  all: RsView[],
  newRS: RsView | null,
  now: string,
): DeploymentStatus {
  const old = statusOf(d);
  const available = totalAvailable(all);
  const status: DeploymentStatus = {};
  count(status, "observedGeneration", d.metadata.generation ?? 0);
  count(
    status,
    "replicas",
    all.reduce((n, rs) => n + rs.current, 0),
  );
  count(status, "updatedReplicas", newRS?.current ?? 0);
  count(
    status,
    "readyReplicas",
    all.reduce((n, rs) => n + rs.ready, 0),
  );
  count(status, "availableReplicas", available);
  count(status, "unavailableReplicas", Math.max(0, totalReplicas(all) - available));
  if (old.conditions?.length) status.conditions = old.conditions.map((c) => ({ ...c }));
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  if (available >= p.replicas - p.maxUnavailable)
    setCondition(
      status,
      newCondition(
        "Available",
        "True",
        "MinimumReplicasAvailable",
        "Deployment has minimum availability.",
        now,
      ),
    );
  else
    setCondition(
      status,
      newCondition(
        "Available",
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
        now,
      ),
    );
  return status;
}

/** DeploymentComplete: every wanted pod updated and available, no old ones, generation seen. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = specReplicas(d);
  return (
    (s.updatedReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available pods than before, or fewer old ones. */
function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = statusOf(d);
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition not updated for longer than the deadline. */
function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  const deadline = progressDeadline(d);
  const cond = getCondition(s, "Progressing");
  if (deadline === null || !cond || cond.reason === "NewReplicaSetAvailable") return false;
  if (cond.reason === "ProgressDeadlineExceeded") return true;
  return Date.parse(cond.lastUpdateTime ?? "") + deadline * 1000 < now.getTime();
}

/** `ReplicaSet "x" <what>`, or `Deployment "d" <what>` before there is a new ReplicaSet. */
function subject(d: Deployment, newRS: RsView | null, what: string): string {
  return newRS ? `ReplicaSet "${newRS.name}" ${what}` : `Deployment "${d.metadata.name}" ${what}`;
}

/**
 * syncRolloutStatus's computation: calculateStatus, then the Progressing condition (complete →
 * NewReplicaSetAvailable, progress → ReplicaSetUpdated with a fresh update time, no progress past
 * the deadline → ProgressDeadlineExceeded), then ReplicaFailure copied from a ReplicaSet.
 */
export function rolloutStatus(
  d: Deployment,
  p: RolloutParams,
  all: RsView[],
  newRS: RsView | null,
  failure: DeploymentCondition | undefined,
  now: Date,
): DeploymentStatus {
  const stamp = timestamp(now);
  const status = calculateStatus(d, p, all, newRS, stamp);
  const hasDeadline = progressDeadline(d) !== null;
  if (!hasDeadline) removeCondition(status, "Progressing");
  const current = getCondition(statusOf(d), "Progressing");
  const complete = status.replicas === status.updatedReplicas && current?.reason === "NewReplicaSetAvailable";
  if (hasDeadline && !complete) {
    if (deploymentComplete(d, status))
      setCondition(
        status,
        newCondition(
          "Progressing",
          "True",
          "NewReplicaSetAvailable",
          subject(d, newRS, "has successfully progressed."),
          stamp,
        ),
      );
    else if (deploymentProgressing(d, status)) {
      const cond = newCondition(
        "Progressing",
        "True",
        "ReplicaSetUpdated",
        subject(d, newRS, "is progressing."),
        stamp,
      );
      // Progress refreshes the update time even with the same reason, which setCondition would not.
      if (current) {
        if (current.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, "Progressing");
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now))
      setCondition(
        status,
        newCondition(
          "Progressing",
          "False",
          "ProgressDeadlineExceeded",
          subject(d, newRS, "has timed out progressing."),
          stamp,
        ),
      );
  }
  if (failure) setCondition(status, failure);
  else removeCondition(status, "ReplicaFailure");
  return status;
}

/**
 * When to look again at a rollout that made no progress (requeueStuckDeployment): the Progressing
 * condition's update time plus the deadline; null when complete, timed out, or without a deadline.
 */
export function stuckCheckAt(d: Deployment, status: DeploymentStatus): Date | null {
  const deadline = progressDeadline(d);
  const current = getCondition(statusOf(d), "Progressing");
  if (deadline === null || !current) return null;
  if (deploymentComplete(d, status) || current.reason === "ProgressDeadlineExceeded") return null;
  return new Date(Date.parse(current.lastUpdateTime ?? "") + deadline * 1000 + 1000);
}
