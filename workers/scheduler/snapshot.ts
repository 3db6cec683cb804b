import type { SandboxWriter } from "../../db/store.ts";
import type { KubeObject } from "../../kube/object.ts";
import { record, text } from "../../kube/validation/json.ts";

/**
 * The scheduler's cache of a sandbox, as kube-scheduler keeps one from its informers: the nodes,
 * and the pods bound to them that still hold resources, as of a revision. A scheduling run
 * brings it up to the revision its lock saw by reading only the change log since (a few rows),
 * instead of every pod of the sandbox; a sandbox not cached, or whose log was compacted past
 * the cached revision, is read whole. Exact either way: it is the committed state the
 * transaction's lock guarantees. Per process, for the sandboxes scheduled most recently.
 */

interface Snapshot {
  revision: number;
  nodes: Map<string, KubeObject>;
  /** Bound, not finished pods by "<namespace>/<name>", without their managedFields. */
  pods: Map<string, KubeObject>;
}

/** Sandboxes kept; the least recently scheduled go first. */
const maxSandboxes = 2_000;
const snapshots = new Map<string, Snapshot>();

function holdsResources(pod: KubeObject): boolean {
  const phase = text(record(pod.status).phase);
  return !!text(record(pod.spec).nodeName) && phase !== "Succeeded" && phase !== "Failed";
}

function withoutManagedFields(pod: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = pod.metadata;
  return { ...pod, metadata };
}

function podKey(pod: { namespace?: string; name?: string }): string {
  return `${pod.namespace ?? ""}/${pod.name ?? ""}`;
}

async function readWhole(w: SandboxWriter): Promise<Snapshot> {
  const rows = await w.tx<{ resource: string; body: KubeObject }[]>`
    SELECT resource,
           CASE WHEN resource = 'pods' THEN body #- '{metadata,managedFields}' ELSE body END AS body
    FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND (resource = 'nodes' OR (resource = 'pods'
      AND coalesce(body -> 'spec' ->> 'nodeName', '') <> ''
      AND coalesce(body -> 'status' ->> 'phase', '') NOT IN ('Succeeded', 'Failed')))`;
  const snapshot: Snapshot = { revision: w.lockedRevision, nodes: new Map(), pods: new Map() };
  for (const { resource, body } of rows)
    if (resource === "nodes") snapshot.nodes.set(body.metadata.name ?? "", body);
    else snapshot.pods.set(podKey(body.metadata), body);
  return snapshot;
}

/** Brings a snapshot up to the lock's revision from the change log; false when the log no longer reaches back. */
async function catchUp(w: SandboxWriter, snapshot: Snapshot): Promise<boolean> {
  if (snapshot.revision === w.lockedRevision) return true;
  const rows = await w.tx<
    {
      compacted: string;
      resource: string | null;
      namespace: string;
      name: string;
      type: string;
      object: KubeObject;
    }[]
  >`
    SELECT s.compacted_revision AS compacted, c.resource, c.namespace, c.name, c.type, c.object
    FROM sandboxes s
    LEFT JOIN LATERAL (
      SELECT resource, namespace, name, type, object FROM changes
      WHERE sandbox_id = s.id AND revision > ${snapshot.revision} AND revision <= ${w.lockedRevision}
        AND resource IN ('pods', 'nodes')
      ORDER BY revision
    ) c ON true
    WHERE s.id = ${w.sandboxId}`;
  if (!rows.length || Number(rows[0]?.compacted) > snapshot.revision) return false;
  for (const c of rows) {
    if (c.resource === "nodes") {
      if (c.type === "DELETED") snapshot.nodes.delete(c.name);
      else snapshot.nodes.set(c.name, c.object);
    } else if (c.resource === "pods") {
      const key = podKey(c);
      if (c.type !== "DELETED" && holdsResources(c.object))
        snapshot.pods.set(key, withoutManagedFields(c.object));
      else snapshot.pods.delete(key);
    }
  }
  snapshot.revision = w.lockedRevision;
  return true;
}

/**
 * The nodes (by name) and the bound pods that hold resources (by namespace and name) as of the
 * transaction's lock. Call before the transaction writes pods or nodes itself: its own writes
 * are not in it.
 */
export async function schedulerSnapshot(
  w: SandboxWriter,
): Promise<{ nodes: KubeObject[]; pods: KubeObject[] }> {
  let snapshot = snapshots.get(w.sandboxId);
  if (!snapshot || snapshot.revision > w.lockedRevision || !(await catchUp(w, snapshot)))
    snapshot = await readWhole(w);
  snapshots.delete(w.sandboxId);
  snapshots.set(w.sandboxId, snapshot);
  if (snapshots.size > maxSandboxes) snapshots.delete(snapshots.keys().next().value as string);
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { nodes: byKey(snapshot.nodes).map(([, n]) => n), pods: byKey(snapshot.pods).map(([, p]) => p) };
}
