import type { SandboxWriter } from "../../db/store/writer.ts";
import { defaultPullPolicy } from "../../kube/kinds/pod/spec/image.ts";
import type { Pod } from "../../kube/types/core-v1.ts";
import { allStatuses, millis, waitingReason } from "./container-status.ts";

/**
 * What a real kubelet keeps in memory, read back from the cluster: which images its node has
 * pulled (any pod on the node that ran them), and how often and when a pod's image pulls
 * failed (its "Failed to pull image" events, whose count and lastTimestamp say exactly that).
 */

/** Whether a sync may need to know the node's images: a container that may pull without having run. */
export function needsNodeImages(pod: Pod): boolean {
  const ran = new Set(
    allStatuses(pod)
      .filter((s) => s.imageID)
      .map((s) => s.name),
  );
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some(
    (c) => !ran.has(c.name) && (c.imagePullPolicy || defaultPullPolicy(c.image ?? "")) !== "Always",
  );
}

/** The images the node has: those any of its pods runs or ran, normalized. */
export async function nodeImages(w: SandboxWriter, node: string): Promise<Set<string>> {
  const rows = await w.sql<{ image: string }[]>`
    SELECT DISTINCT s ->> 'image' AS image
    FROM objects o,
      jsonb_array_elements(coalesce(o.body -> 'status' -> 'containerStatuses', '[]'::jsonb)
        || coalesce(o.body -> 'status' -> 'initContainerStatuses', '[]'::jsonb)) s
    WHERE o.sandbox_id = ${w.sandboxId} AND o.resource = 'pods'
      AND o.body -> 'spec' ->> 'nodeName' = ${node} AND coalesce(s ->> 'imageID', '') <> ''`;
  return new Set(rows.map((r) => r.image));
}

/** Whether a sync needs the pull history: a container waiting on a failed pull. */
export function needsPullHistory(pod: Pod): boolean {
  return allStatuses(pod).some((s) => ["ErrImagePull", "ImagePullBackOff"].includes(waitingReason(s)));
}

/** The pod's failed pulls by image: how many, and when the last one was (ms). */
export async function pullFailures(
  w: SandboxWriter,
  pod: Pod,
): Promise<Map<string, { count: number; lastMs: number }>> {
  const rows = await w.sql<{ message: string; count: string | null; last: string | null }[]>`
    SELECT body ->> 'message' AS message, body ->> 'count' AS count, body ->> 'lastTimestamp' AS last
    FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND resource = 'events' AND namespace = ${pod.metadata.namespace ?? ""}
      AND body -> 'involvedObject' ->> 'uid' = ${pod.metadata.uid ?? ""}
      AND body ->> 'reason' = 'Failed' AND body ->> 'message' LIKE 'Failed to pull image %'`;
  const out = new Map<string, { count: number; lastMs: number }>();
  for (const row of rows) {
    const image = /^Failed to pull image "((?:[^"\\]|\\.)*)"/.exec(row.message)?.[1];
    const lastMs = millis(row.last);
    if (image === undefined || lastMs === null) continue;
    const seen = out.get(image);
    const count = Number(row.count ?? 1) + (seen?.count ?? 0);
    out.set(image, { count, lastMs: Math.max(lastMs, seen?.lastMs ?? 0) });
  }
  return out;
}
