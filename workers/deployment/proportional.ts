import { desiredReplicasAnnotation, intAnnotation, maxReplicasAnnotation } from "./annotations.ts";
import type { RolloutParams } from "./fenceposts.ts";
import { active, byCreation, type RsView, totalReplicas } from "./view.ts";

/** A resize the scale path asks for: `force` writes even at the same size (to refresh annotations). */
export interface ProportionalStep {
  name: string;
  to: number;
  operation: "up" | "down" | "";
  force: boolean;
}

/** FindActiveOrLatest: the one active ReplicaSet, or the newest when none is active; null when several are. */
export function activeOrLatest(newRS: RsView | null, old: RsView[]): RsView | null {
  if (!newRS && old.length === 0) return null;
  const newestFirst = [...old].sort((a, b) => byCreation(b, a));
  const live = active(newRS ? [...newestFirst, newRS] : newestFirst);
  if (live.length === 0) return newRS ?? newestFirst[0] ?? null;
  return live.length === 1 ? (live[0] ?? null) : null;
}

/** IsSaturated: the new ReplicaSet holds, wants and has available the deployment's full size. */
export function isSaturated(replicas: number, rs: RsView | null): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs.annotations, desiredReplicasAnnotation);
  return desired !== null && rs.replicas === replicas && desired === replicas && rs.available === replicas;
}

/** Go's integer.RoundToInt32: halves away from zero. */
function round(a: number): number {
  return a < 0 ? Math.trunc(a - 0.5) : Math.trunc(a + 0.5);
}

/** getReplicaSetFraction: the share of a resize this ReplicaSet takes, from its max-replicas annotation. */
function fraction(rs: RsView, p: RolloutParams, statusReplicas: number): number {
  if (p.replicas === 0) return -rs.replicas;
  const deploymentReplicas = p.replicas + p.maxSurge;
  const annotated = intAnnotation(rs.annotations, maxReplicasAnnotation) ?? statusReplicas;
  if (annotated === 0) return 0;
  return round((rs.replicas * deploymentReplicas) / annotated) - rs.replicas;
}

/** GetProportion: the fraction, bounded by what is left to add (or remove). */
function proportion(
  rs: RsView,
  p: RolloutParams,
  statusReplicas: number,
  toAdd: number,
  added: number,
): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, p, statusReplicas);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

/**
 * The deployment controller's scale(): what a scaling event (or a paused deployment) does to
 * the ReplicaSets. One active ReplicaSet takes the full size; a saturated new one sends the old
 * ones to 0; otherwise (RollingUpdate) the difference is spread in proportion to each active
 * ReplicaSet's size, biggest first (newer first when growing, older first when shrinking),
 * leftovers to the first.
 */
export function scaleSteps(
  p: RolloutParams,
  newRS: RsView | null,
  old: RsView[],
  statusReplicas: number,
): ProportionalStep[] {
  const only = activeOrLatest(newRS, old);
  if (only) {
    if (only.replicas === p.replicas) return [];
    return [
      {
        name: only.name,
        to: p.replicas,
        operation: only.replicas < p.replicas ? "up" : "down",
        force: false,
      },
    ];
  }
  if (isSaturated(p.replicas, newRS))
    return active(old).map((rs) => ({ name: rs.name, to: 0, operation: "down" as const, force: false }));
  if (p.strategy !== "RollingUpdate") return [];
  const sets = active(newRS ? [...old, newRS] : old);
  const allowed = p.replicas > 0 ? p.replicas + p.maxSurge : 0;
  const toAdd = allowed - totalReplicas(sets);
  let operation: ProportionalStep["operation"] = "";
  if (toAdd > 0) {
    sets.sort((a, b) => (a.replicas === b.replicas ? byCreation(b, a) : b.replicas - a.replicas));
    operation = "up";
  } else if (toAdd < 0) {
    sets.sort((a, b) => (a.replicas === b.replicas ? byCreation(a, b) : b.replicas - a.replicas));
    operation = "down";
  }
  let added = 0;
  const sizes = sets.map((rs) => {
    if (toAdd === 0) return rs.replicas;
    const share = proportion(rs, p, statusReplicas, toAdd, added);
    added += share;
    return rs.replicas + share;
  });
  return sets.map((rs, i) => {
    let to = sizes[i] ?? rs.replicas;
    if (i === 0 && toAdd !== 0) to = Math.max(0, to + toAdd - added);
    return { name: rs.name, to, operation, force: true };
  });
}
