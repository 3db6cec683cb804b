import { specReplicas } from "../../kube/kinds/workload/spec.ts";
import type { ReplicaSet } from "../../kube/types/apps-v1.ts";
import { byCreation, revisionOf } from "./view.ts";

/** ReplicaSetsByRevision: lowest revision first; unparsable or equal revisions by age. */
function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  const age = byCreation(
    { created: a.metadata.creationTimestamp ?? "", name: a.metadata.name ?? "" },
    { created: b.metadata.creationTimestamp ?? "", name: b.metadata.name ?? "" },
  );
  if (ra === null || rb === null || ra === rb) return age;
  return ra - rb;
}

/**
 * cleanupDeployment's choice: the old ReplicaSets beyond revisionHistoryLimit, oldest revision
 * first, but only those scaled to 0 with no pods left and their spec observed (and not already
 * being deleted). `limit` null keeps everything.
 */
export function replicaSetsToDelete(old: ReplicaSet[], limit: number | null): ReplicaSet[] {
  if (limit === null) return [];
  const alive = old.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  return [...alive]
    .sort(byRevision)
    .slice(0, excess)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        specReplicas(rs) === 0 &&
        (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    );
}
