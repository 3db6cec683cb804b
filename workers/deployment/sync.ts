import type { SandboxWriter } from "../../db/store/writer.ts";
import { deploymentKind } from "../../kube/kinds/deployment/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { clone } from "../../kube/object.ts";
import type { Deployment, DeploymentStatus, ReplicaSet } from "../../kube/types/apps-v1.ts";
import { deleteInTransaction } from "../../registry/delete.ts";
import { recordEvent } from "../../registry/events.ts";
import { replaceObject } from "../../registry/update.ts";
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./annotations.ts";
import type { RolloutParams } from "./fenceposts.ts";
import { canonicalJson } from "./template.ts";
import { byCreation, type RsView, revisionAnnotation, viewOf } from "./view.ts";

/** How the controller's writes are recorded in managedFields, as in a real cluster. */
export const manager = { fieldManager: "kube-controller-manager" };

/**
 * One reconcile of one deployment: the writer, the deployment and its ReplicaSets as stored
 * right now (every write below replaces them), its rollout parameters, and the clock.
 */
export interface Sync {
  w: SandboxWriter;
  d: Deployment;
  p: RolloutParams;
  now: Date;
  sets: Map<string, ReplicaSet>;
}

/** The ReplicaSets, oldest first. */
export function replicaSets(s: Sync): ReplicaSet[] {
  return [...s.sets.values()].sort((a, b) => byCreation(viewOf(a), viewOf(b)));
}

/** The current stored copy of a ReplicaSet read earlier in this sync. */
export function current(s: Sync, rs: ReplicaSet): ReplicaSet {
  return s.sets.get(rs.metadata.name ?? "") ?? rs;
}

/** Views of the current copies (null stays null). */
export function views(s: Sync, sets: (ReplicaSet | null)[]): RsView[] {
  return sets.filter((rs): rs is ReplicaSet => rs !== null).map((rs) => viewOf(current(s, rs)));
}

/** Writes a changed ReplicaSet through the update path and remembers the stored copy. */
export async function saveReplicaSet(s: Sync, old: ReplicaSet, next: ReplicaSet): Promise<ReplicaSet> {
  const stored = viewAs(replicaSetKind, await replaceObject(s.w, replicaSetKind, old, next, "", manager));
  s.sets.set(stored.metadata.name ?? "", stored);
  return stored;
}

/** Deletes an old ReplicaSet (revision history cleanup). */
export async function deleteReplicaSet(s: Sync, rs: ReplicaSet): Promise<void> {
  await deleteInTransaction(s.w, replicaSetKind, current(s, rs), {});
  s.sets.delete(rs.metadata.name ?? "");
}

/** An event about the deployment, from the deployment controller. */
export function deploymentEvent(s: Sync, type: "Normal" | "Warning", reason: string, message: string) {
  return recordEvent(s.w, s.d, { type, reason, message, component: "deployment-controller" });
}

/**
 * scaleReplicaSet: sets the size and the desired/max-replicas annotations when either is off,
 * and records `Scaled up replica set web-7d4b8c5f9 from 1 to 3` when the size moved.
 */
export async function scaleReplicaSet(
  s: Sync,
  rs: ReplicaSet,
  to: number,
  operation: string,
): Promise<boolean> {
  const old = current(s, rs);
  const from = viewOf(old).replicas;
  const max = s.p.replicas + s.p.maxSurge;
  const annotations = { ...(old.metadata.annotations ?? {}) };
  if (from === to && !replicasAnnotationsNeedUpdate(annotations, s.p.replicas, max)) return false;
  setReplicasAnnotations(annotations, s.p.replicas, max);
  const next = clone(old);
  next.metadata.annotations = annotations;
  next.spec = { ...next.spec, replicas: to };
  const stored = await saveReplicaSet(s, old, next);
  if (from === to) return false;
  await deploymentEvent(
    s,
    "Normal",
    "ScalingReplicaSet",
    `Scaled ${operation} replica set ${stored.metadata.name} from ${from} to ${to}`,
  );
  return true;
}

/** scaleReplicaSetAndRecordEvent: nothing when the size is right, else scaleReplicaSet up or down. */
export async function scaleTo(s: Sync, rs: ReplicaSet, to: number): Promise<boolean> {
  const from = viewOf(current(s, rs)).replicas;
  if (from === to) return false;
  return scaleReplicaSet(s, rs, to, from < to ? "up" : "down");
}

/** Writes the deployment's status through the status path, unless it is unchanged. */
export async function saveStatus(s: Sync, status: DeploymentStatus): Promise<void> {
  if (canonicalJson(status) === canonicalJson(s.d.status ?? {})) return;
  s.d = viewAs(
    deploymentKind,
    await replaceObject(s.w, deploymentKind, s.d, { ...s.d, status }, "status", manager),
  );
}

/** SetDeploymentRevision: the deployment's revision annotation, written when it differs. */
export async function saveRevision(s: Sync, revision: string): Promise<void> {
  if (s.d.metadata.annotations?.[revisionAnnotation] === revision) return;
  const next = clone(s.d);
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [revisionAnnotation]: revision };
  s.d = viewAs(deploymentKind, await replaceObject(s.w, deploymentKind, s.d, next, "", manager));
}
