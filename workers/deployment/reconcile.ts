import { selectorFilter } from "../../db/filters.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { deploymentKind } from "../../kube/kinds/deployment/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { clone, timestamp } from "../../kube/object.ts";
import type { Deployment } from "../../kube/types/apps-v1.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { desiredReplicasAnnotation, intAnnotation } from "./annotations.ts";
import { getCondition, newCondition, setCondition, statusOf } from "./conditions.ts";
import { rolloutParams } from "./fenceposts.ts";
import { CreateFailed, replicaSetsAndRevision } from "./new-replicaset.ts";
import { claimReplicaSets } from "./replicasets.ts";
import { rolloutRecreate, rolloutRolling, syncScale, syncStatusOnly } from "./rollout.ts";
import { progressDeadline } from "./status.ts";
import { type Sync, saveStatus, views } from "./sync.ts";
import { active } from "./view.ts";

/**
 * checkPausedConditions: pausing sets Progressing Unknown/DeploymentPaused, resuming
 * Unknown/DeploymentResumed, so time spent paused never counts against the progress deadline.
 */
async function checkPausedConditions(s: Sync, paused: boolean): Promise<void> {
  if (progressDeadline(s.d) === null) return;
  const cond = getCondition(statusOf(s.d), "Progressing");
  if (cond?.reason === "ProgressDeadlineExceeded") return;
  const pausedNow = cond?.reason === "DeploymentPaused";
  if (paused === pausedNow) return;
  const status = clone(statusOf(s.d));
  const stamp = timestamp(s.now);
  setCondition(
    status,
    paused
      ? newCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", stamp)
      : newCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", stamp),
  );
  await saveStatus(s, status);
}

/** isScalingEvent: an active ReplicaSet was sized for a different deployment size than now. */
async function isScalingEvent(s: Sync): Promise<boolean> {
  const { newRS, old } = await replicaSetsAndRevision(s, false);
  return active(views(s, [...old, newRS])).some((rs) => {
    const desired = intAnnotation(rs.annotations, desiredReplicasAnnotation);
    return desired !== null && desired !== s.p.replicas;
  });
}

/**
 * The deployment controller's syncDeployment for one deployment, in the writer's transaction:
 * claim its ReplicaSets, then report only (being deleted), resize only (paused, or a scaling
 * event), or take the next step of its strategy. Returns a message when the new ReplicaSet
 * could not be created: what was recorded about it commits, and the caller retries.
 */
export async function reconcileDeployment(
  w: SandboxWriter,
  namespace: string,
  name: string,
  now: Date,
): Promise<string | null> {
  const d = viewAs(deploymentKind, await w.get({ resource: "deployments.apps", namespace, name }));
  if (!d) return null;
  const s: Sync = { w, d, p: rolloutParams(d), now, sets: await claimReplicaSets(w, d) };
  try {
    if (d.metadata.deletionTimestamp) await syncStatusOnly(s);
    else {
      const paused = d.spec?.paused === true;
      await checkPausedConditions(s, paused);
      if (paused || (await isScalingEvent(s))) await syncScale(s, paused);
      else if (s.p.strategy === "Recreate") await rolloutRecreate(s, () => podsOf(w, d));
      else await rolloutRolling(s);
    }
  } catch (err) {
    if (err instanceof CreateFailed) return err.message;
    throw err;
  }
  return null;
}

/** The pods the deployment's selector selects in its namespace. */
async function podsOf(w: SandboxWriter, d: Deployment): Promise<Pod[]> {
  const pods = await w.listWhere("pods", d.metadata.namespace ?? "", selectorFilter(d.spec?.selector));
  return pods.map((pod) => viewAs(podKind, pod));
}
