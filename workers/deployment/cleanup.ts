import { specReplicas, statusCount } from "../../kube/kinds/workload/spec.ts";
import type { KubeObject } from "../../kube/object.ts";
import { byCreation, revisionOf } from "./view.ts";

/** ReplicaSetsByRevision: lowest revision first; unparsable or equal revisions by age. */
function byRevision(a: KubeObject, b: KubeObject): number {
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
export function replicaSetsToDelete(old: KubeObject[], limit: number | null): KubeObject[] {
  if (limit === null) return [];
  const alive = old.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  return [...alive]
    .sort(byRevision)
    .slice(0, excess)
    .filter(
      (rs) =>
        statusCount(rs, "replicas") === 0 &&
        specReplicas(rs) === 0 &&
        (rs.metadata.generation ?? 0) <= statusCount(rs, "observedGeneration"),
    );
}
