import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import type { ReplicaSet } from "../../kube/types/apps-v1.ts";

/** deployment.kubernetes.io/revision: the rollout sequence number, on ReplicaSets and their deployment. */
export const revisionAnnotation = "deployment.kubernetes.io/revision";

/**
 * What the deployment controller's arithmetic reads of a ReplicaSet: its name, size, counts and
 * age. The pure planning functions work on these; the reconciler maps them back to objects.
 */
export interface RsView {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.replicas */
  current: number;
  ready: number;
  available: number;
  /** creationTimestamp, for the oldest-first and newest-first orders. */
  created: string;
  /** deployment.kubernetes.io/revision; 0 when absent, null when unparsable. */
  revision: number | null;
  annotations: Record<string, string>;
}

/** Revision: the annotation as a number, 0 when absent, null when not an integer. */
export function revisionOf(rs: ReplicaSet): number | null {
  const v = rs.metadata.annotations?.[revisionAnnotation];
  if (v === undefined) return 0;
  return /^-?[0-9]+$/.test(v) ? Number(v) : null;
}

/** The view of one ReplicaSet. */
export function viewOf(rs: ReplicaSet): RsView {
  return {
    name: rs.metadata.name ?? "",
    replicas: specReplicas(rs),
    current: rs.status?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    created: rs.metadata.creationTimestamp ?? "",
    revision: revisionOf(rs),
    annotations: { ...(rs.metadata.annotations ?? {}) },
  };
}

/** ReplicaSetsByCreationTimestamp: oldest first, names breaking ties. */
export function byCreation(
  a: { created: string; name: string },
  b: { created: string; name: string },
): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** FilterActiveReplicaSets: those with a non-zero size. */
export function active<T extends { replicas: number }>(sets: T[]): T[] {
  return sets.filter((rs) => rs.replicas > 0);
}

/** Sum of spec.replicas. */
export function totalReplicas(sets: RsView[]): number {
  return sets.reduce((n, rs) => n + rs.replicas, 0);
}

/** Sum of status.availableReplicas. */
export function totalAvailable(sets: RsView[]): number {
  return sets.reduce((n, rs) => n + rs.available, 0);
}
