import { revisionAnnotation } from "./view.ts";

/** RevisionHistoryAnnotation: the earlier revisions a rolled-back-to ReplicaSet served. */
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
/** DesiredReplicasAnnotation: the deployment's size when the ReplicaSet was last scaled. */
export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
/** MaxReplicasAnnotation: the deployment's size plus its surge, for proportional scaling. */
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

/** The controller's maxRevHistoryLengthInChars: how long revision-history may grow. */
const revisionHistoryLimitInChars = 2000;

/**
 * annotationsToSkip: what is never copied from a deployment to its ReplicaSets (nor back by
 * `kubectl rollout undo`).
 */
const skipped = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  "deprecated.deployment.rollback.to",
]);

/** An annotation value as an integer (strconv.Atoi), or null. */
export function intAnnotation(annotations: Record<string, string>, key: string): number | null {
  const v = annotations[key];
  return v !== undefined && /^[+-]?[0-9]+$/.test(v) ? Number(v) : null;
}

/** copyDeploymentAnnotationsToReplicaSet: the deployment's annotations, less the skipped ones. */
function copyDeploymentAnnotations(from: Record<string, string>, to: Record<string, string>): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(from)) {
    if (skipped.has(k) || to[k] === v) continue;
    to[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; whether either changed. */
export function setReplicasAnnotations(
  annotations: Record<string, string>,
  desired: number,
  max: number,
): boolean {
  let changed = false;
  for (const [key, value] of [
    [desiredReplicasAnnotation, String(desired)],
    [maxReplicasAnnotation, String(max)],
  ] as const) {
    if (annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(
  annotations: Record<string, string>,
  desired: number,
  max: number,
): boolean {
  return (
    annotations[desiredReplicasAnnotation] !== String(desired) ||
    annotations[maxReplicasAnnotation] !== String(max)
  );
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to
 * `newRevision` if it is lower (keeping the old one in revision-history: a rollback to this
 * ReplicaSet), and for a ReplicaSet about to be created, the replica annotations. Returns
 * whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  deployment: Record<string, string>,
  rs: Record<string, string>,
  newRevision: number,
  exists: boolean,
  replicas: { desired: number; max: number },
): boolean {
  let changed = copyDeploymentAnnotations(deployment, rs);
  const old = rs[revisionAnnotation];
  let oldRevision = 0;
  if (old !== undefined && old !== "") {
    if (!/^-?[0-9]+$/.test(old)) return false;
    oldRevision = Number(old);
  }
  if (oldRevision < newRevision) {
    rs[revisionAnnotation] = String(newRevision);
    changed = true;
    if (old !== undefined) appendRevisionHistory(rs, old);
  }
  if (!exists && setReplicasAnnotations(rs, replicas.desired, replicas.max)) changed = true;
  return changed;
}

/** Adds a superseded revision to revision-history, dropping the oldest past the length limit. */
function appendRevisionHistory(rs: Record<string, string>, old: string): void {
  const history = rs[revisionHistoryAnnotation] ?? "";
  if (history === "") {
    rs[revisionHistoryAnnotation] = old;
    return;
  }
  const revisions = history.split(",");
  let total = history.length + old.length + 1;
  let start = 0;
  while (total > revisionHistoryLimitInChars && start < revisions.length) {
    total -= (revisions[start]?.length ?? 0) + 1;
    start++;
  }
  if (total <= revisionHistoryLimitInChars)
    rs[revisionHistoryAnnotation] = [...revisions.slice(start), old].join(",");
}
