import { timestamp } from "../../kube/object.ts";
import type { DeploymentCondition, ReplicaSet } from "../../kube/types/apps-v1.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { replicaSetsToDelete } from "./cleanup.ts";
import { statusOf } from "./conditions.ts";
import { deploymentTask } from "./jobs.ts";
import { replicaSetsAndRevision } from "./new-replicaset.ts";
import { scaleSteps } from "./proportional.ts";
import { newReplicaSetTarget, oldReplicaSetSteps } from "./rolling-plan.ts";
import {
  calculateStatus,
  deploymentComplete,
  revisionHistoryLimit,
  rolloutStatus,
  stuckCheckAt,
} from "./status.ts";
import { current, deleteReplicaSet, type Sync, saveStatus, scaleReplicaSet, scaleTo, views } from "./sync.ts";
import { canonicalJson } from "./template.ts";
import { active, viewOf } from "./view.ts";

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else any old one's. */
function replicaFailure(
  s: Sync,
  newRS: ReplicaSet | null,
  old: ReplicaSet[],
): DeploymentCondition | undefined {
  for (const rs of newRS ? [newRS, ...old] : old) {
    const c = current(s, rs).status?.conditions?.find((c) => c.type === "ReplicaFailure");
    if (c)
      return {
        type: "ReplicaFailure",
        status: c.status,
        lastUpdateTime: c.lastTransitionTime ?? "",
        lastTransitionTime: c.lastTransitionTime ?? "",
        reason: c.reason ?? "",
        message: c.message ?? "",
      };
  }
  return undefined;
}

/**
 * syncRolloutStatus: writes the rollout's status when it changed; when it did not and the
 * rollout is still under way, looks again once the progress deadline would pass (a delayed job,
 * keyed apart from the ordinary one so it does not postpone it).
 */
export async function syncRolloutStatus(s: Sync, newRS: ReplicaSet | null, old: ReplicaSet[]): Promise<void> {
  const all = views(s, [...old, newRS]);
  const newView = newRS ? viewOf(current(s, newRS)) : null;
  const status = rolloutStatus(s.d, s.p, all, newView, replicaFailure(s, newRS, old), s.now);
  const { namespace = "", name = "" } = s.d.metadata;
  const progressCheck = (runAt?: Date) =>
    deploymentTask.job({ namespace, name, progressCheck: true }, runAt ? { runAt } : {});
  if (canonicalJson(status) !== canonicalJson(s.d.status ?? {})) {
    await saveStatus(s, status);
    // A finished rollout needs no deadline check: leave no job behind in an idle sandbox.
    if (deploymentComplete(s.d, status)) {
      await s.w.cancel(progressCheck());
    }
    return;
  }
  const at = stuckCheckAt(s.d, status);
  if (!at) return;
  const soon = new Date(s.now.getTime() + 1000);
  s.w.enqueue(progressCheck(at < soon ? soon : at));
}

/** syncDeploymentStatus: counts and availability only (scaling, paused, deleting). */
async function syncDeploymentStatus(s: Sync, newRS: ReplicaSet | null, old: ReplicaSet[]): Promise<void> {
  const newView = newRS ? viewOf(current(s, newRS)) : null;
  await saveStatus(s, calculateStatus(s.d, s.p, views(s, [...old, newRS]), newView, timestamp(s.now)));
}

/** cleanupDeployment: deletes the old ReplicaSets past revisionHistoryLimit. */
async function cleanup(s: Sync, old: ReplicaSet[]): Promise<void> {
  for (const rs of replicaSetsToDelete(
    old.map((rs) => current(s, rs)),
    revisionHistoryLimit(s.d),
  ))
    await deleteReplicaSet(s, rs);
}

/**
 * rolloutRolling: one step of a rolling update. Grow the new ReplicaSet within maxSurge; if it
 * did not grow, shrink old ones within maxUnavailable; once complete, trim the history. Each
 * step's write brings the deployment back here, and pods becoming available move it on.
 */
export async function rolloutRolling(s: Sync): Promise<void> {
  const { newRS, old } = await replicaSetsAndRevision(s, true);
  if (!newRS) return;
  const all = views(s, [...old, newRS]);
  const newView = viewOf(current(s, newRS));
  if (await scaleTo(s, newRS, newReplicaSetTarget(s.p, all, newView)))
    return syncRolloutStatus(s, newRS, old);
  const oldActive = active(views(s, old));
  const steps = oldReplicaSetSteps(s.p, all, oldActive, newView);
  for (const step of steps) {
    const rs = s.sets.get(step.name);
    if (rs) await scaleTo(s, rs, step.to);
  }
  if (steps.length) return syncRolloutStatus(s, newRS, old);
  if (deploymentComplete(s.d, statusOf(s.d))) await cleanup(s, old);
  return syncRolloutStatus(s, newRS, old);
}

/**
 * oldPodsRunning: old ReplicaSets still report pods, or pods they owned are still there and
 * not finished (a terminating pod counts until it is gone).
 */
function oldPodsRunning(s: Sync, newRS: ReplicaSet | null, old: ReplicaSet[], pods: Pod[]): boolean {
  if (views(s, old).some((rs) => rs.current > 0)) return true;
  const oldUids = new Set(old.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (!owner || !oldUids.has(owner.uid) || owner.uid === newRS?.metadata.uid) return false;
    const phase = pod.status?.phase;
    return phase !== "Failed" && phase !== "Succeeded";
  });
}

/**
 * rolloutRecreate: scale every old ReplicaSet to 0, wait until their pods are gone, then
 * create (or grow) the new ReplicaSet at full size.
 */
export async function rolloutRecreate(s: Sync, pods: () => Promise<Pod[]>): Promise<void> {
  let { newRS, old } = await replicaSetsAndRevision(s, false);
  let scaledDown = false;
  for (const rs of old) if (await scaleTo(s, rs, 0)) scaledDown = true;
  if (scaledDown || oldPodsRunning(s, newRS, old, await pods())) return syncRolloutStatus(s, newRS, old);
  if (!newRS) ({ newRS, old } = await replicaSetsAndRevision(s, true));
  if (newRS) await scaleTo(s, newRS, s.p.replicas);
  if (deploymentComplete(s.d, statusOf(s.d))) await cleanup(s, old);
  return syncRolloutStatus(s, newRS, old);
}

/**
 * sync: a scaling event, or a paused deployment. The ReplicaSets are resized (proportionally
 * mid-rollout) but no rollout step is taken; a paused deployment's history is trimmed.
 */
export async function syncScale(s: Sync, paused: boolean): Promise<void> {
  const { newRS, old } = await replicaSetsAndRevision(s, false);
  const newView = newRS ? viewOf(current(s, newRS)) : null;
  for (const step of scaleSteps(s.p, newView, views(s, old), statusOf(s.d).replicas ?? 0)) {
    const rs = s.sets.get(step.name);
    if (!rs) continue;
    if (step.force) await scaleReplicaSet(s, rs, step.to, step.operation);
    else await scaleTo(s, rs, step.to);
  }
  if (paused) await cleanup(s, old);
  return syncDeploymentStatus(s, newRS, old);
}

/** syncStatusOnly: a deployment being deleted only reports. */
export async function syncStatusOnly(s: Sync): Promise<void> {
  const { newRS, old } = await replicaSetsAndRevision(s, false);
  return syncDeploymentStatus(s, newRS, old);
}
