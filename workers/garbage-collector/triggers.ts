import type { QueuedJob } from "../../db/queue.ts";
import type { Written } from "../../db/store/writer.ts";
import { foregroundFinalizer, orphanFinalizer } from "../../kube/meta/deletion.ts";
import { ownerReferences } from "../../kube/meta/owners.ts";
import { garbageCollectorTask } from "./jobs.ts";

function collect(uid: string): QueuedJob {
  return garbageCollectorTask.job({ uid });
}

/**
 * Any object written, as the garbage collector's graph builder sees it: an object gone leaves
 * its dependents without that owner; an object marked for orphan or foreground deletion waits
 * for the collector; a new object may name an owner that is already gone; a dependent gone may
 * be the last one a foreground deletion waited for.
 */
export function garbageCollectionWritten(w: Written): QueuedJob[] {
  if (w.resource === "events") return [];
  const meta = w.object.metadata;
  const jobs: QueuedJob[] = [];
  if (meta.uid && w.type === "DELETED") jobs.push(collect(meta.uid));
  const finalizers = meta.finalizers ?? [];
  if (
    meta.uid &&
    w.type !== "DELETED" &&
    meta.deletionTimestamp &&
    (finalizers.includes(orphanFinalizer) || finalizers.includes(foregroundFinalizer))
  )
    jobs.push(collect(meta.uid));
  for (const ref of ownerReferences(w.object)) {
    if (w.type === "ADDED" || (w.type === "DELETED" && ref.blockOwnerDeletion === true))
      jobs.push(collect(ref.uid));
  }
  return jobs;
}

/** The garbage collector's trigger rules: every resource's writes. */
export const garbageCollectorTriggers = { "*": [garbageCollectionWritten] };
