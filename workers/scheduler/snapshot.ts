import { recentChanges } from "../../db/store/recent-changes.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { nodeKind } from "../../kube/kinds/node/index.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { Node, Pod } from "../../kube/types/core-v1.ts";

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
  nodes: Map<string, Node>;
  /** Bound, not finished pods by "<namespace>/<name>", without their managedFields. */
  pods: Map<string, Pod>;
}

/** Sandboxes kept; the least recently scheduled go first. */
const maxSandboxes = 2_000;
const snapshots = new Map<string, Snapshot>();

function holdsResources(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.spec?.nodeName && phase !== "Succeeded" && phase !== "Failed";
}

function withoutManagedFields(pod: Pod): Pod {
  const { managedFields: _, ...metadata } = pod.metadata;
  return { ...pod, metadata };
}

function podKey(pod: { namespace?: string; name?: string }): string {
  return `${pod.namespace ?? ""}/${pod.name ?? ""}`;
}

type WholeRow = { resource: string; body: KubeObject };
type ChangeRow = {
  compacted: string;
  revision: string | null;
  resource: string | null;
  namespace: string;
  name: string;
  type: string;
  object: KubeObject;
};

/** Sends the read of the sandbox's nodes and bound pods that hold resources. */
function readWhole(w: SandboxWriter): Promise<WholeRow[]> {
  return w.sql<WholeRow[]>`
    SELECT resource,
           CASE WHEN resource = 'pods' THEN body #- '{metadata,managedFields}' ELSE body END AS body
    FROM objects
    WHERE sandbox_id = ${w.sandboxId} AND (resource = 'nodes' OR (resource = 'pods'
      AND coalesce(body -> 'spec' ->> 'nodeName', '') <> ''
      AND coalesce(body -> 'status' ->> 'phase', '') NOT IN ('Succeeded', 'Failed')))`.execute();
}

function wholeSnapshot(w: SandboxWriter, rows: WholeRow[]): Snapshot {
  const snapshot: Snapshot = { revision: w.lockedRevision, nodes: new Map(), pods: new Map() };
  for (const { resource, body } of rows)
    if (resource === "nodes") snapshot.nodes.set(body.metadata.name ?? "", viewAs(nodeKind, body));
    else snapshot.pods.set(podKey(body.metadata), viewAs(podKind, body));
  return snapshot;
}

/**
 * Sends the read of the pod and node changes after `after` (up to `upTo`, when the
 * transaction may have written some of its own), with the sandbox's compaction mark.
 */
function readChanges(w: SandboxWriter, after: number, upTo: number | null): Promise<ChangeRow[]> {
  return w.sql<ChangeRow[]>`
    SELECT s.compacted_revision AS compacted, c.revision, c.resource, c.namespace, c.name, c.type, c.object
    FROM sandboxes s
    LEFT JOIN LATERAL (
      SELECT revision, resource, namespace, name, type, object FROM changes
      WHERE sandbox_id = s.id AND revision > ${after} AND (${upTo}::bigint IS NULL OR revision <= ${upTo})
        AND resource IN ('pods', 'nodes')
      ORDER BY revision
    ) c ON true
    WHERE s.id = ${w.sandboxId}`.execute();
}

/** A change to the pods and nodes the snapshot holds. */
type SnapshotChange = Pick<ChangeRow, "resource" | "name" | "type" | "object"> & {
  namespace: string;
  revision: number;
};

/** Applies one change of a pod or node to a snapshot. */
function applyChange(
  snapshot: Snapshot,
  c: { resource: string | null; namespace: string; name: string; type: string; object: KubeObject },
): void {
  if (c.resource === "nodes") {
    if (c.type === "DELETED") snapshot.nodes.delete(c.name);
    else snapshot.nodes.set(c.name, viewAs(nodeKind, c.object));
  } else if (c.resource === "pods") {
    const key = podKey(c);
    const pod = viewAs(podKind, c.object);
    if (c.type !== "DELETED" && holdsResources(pod)) snapshot.pods.set(key, withoutManagedFields(pod));
    else snapshot.pods.delete(key);
  }
}

/** Applies changes up to the lock's revision to a snapshot, and moves it there. */
function apply(w: SandboxWriter, snapshot: Snapshot, changes: SnapshotChange[]): void {
  for (const c of changes) if (c.revision <= w.lockedRevision) applyChange(snapshot, c);
  snapshot.revision = w.lockedRevision;
}

/**
 * Moves the snapshot a scheduling transaction took at its lock on to its commit, with the pods
 * and nodes the transaction wrote itself (the objects in hand), so that the sandbox's next run
 * does not read them back from the kept commits (a JSON parse of each). Only while the snapshot
 * is still at the transaction's lock: its writes are then every change between the two revisions.
 * Call once the transaction has committed.
 */
export function advanceSchedulerSnapshot(w: SandboxWriter): void {
  const snapshot = snapshots.get(w.sandboxId);
  if (!snapshot || snapshot.revision !== w.lockedRevision) return;
  for (const written of w.written) applyChange(snapshot, written);
  snapshot.revision = w.endRevision;
}

/**
 * Brings a snapshot up to the lock's revision with changes read after `after` (at most its own
 * revision: changes it already has are applied again, to the same end); false when the log no
 * longer reaches back.
 */
function catchUp(w: SandboxWriter, snapshot: Snapshot, after: number, rows: ChangeRow[]): boolean {
  if (!rows.length || Number(rows[0]?.compacted) > after) return false;
  apply(
    w,
    snapshot,
    rows.flatMap((c) =>
      c.revision === null || c.resource === null
        ? []
        : [{ ...c, resource: c.resource, revision: Number(c.revision) }],
    ),
  );
  return true;
}

/**
 * Brings a snapshot up to the lock's revision from this process's recent commits
 * (db/store/recent-changes.ts), with no read at all; false when they do not cover the way.
 */
async function catchUpKept(w: SandboxWriter, snapshot: Snapshot): Promise<boolean> {
  const kept = await recentChanges(w.databaseUrl).after(
    w.sandboxId,
    snapshot.revision,
    w.lockedRevision,
    (c) => c.resource === "pods" || c.resource === "nodes",
  );
  if (!kept) return false;
  apply(w, snapshot, kept);
  return true;
}

/** What an early read sent for a transaction: the changes since a cached snapshot, or everything. */
type Early = { after: number; changes: ChangeRow[] } | { whole: WholeRow[] };
/** The name of the snapshot's early read (SandboxWriter.sendEarly). */
const earlyId = "schedulerSnapshot";

/**
 * Sends the snapshot's read now, as an early read of the transaction (it travels with the lock,
 * and sees exactly what the lock guarantees: nothing of this transaction's is written yet).
 */
export function prefetchSchedulerSnapshot(w: SandboxWriter): void {
  const cached = snapshots.get(w.sandboxId);
  const after = cached?.revision;
  // This process's recent commits very likely bring it up to the lock (its own writes of the
  // sandbox take turns): no read, unless another process wrote meanwhile (current reads then).
  if (after !== undefined && recentChanges(w.databaseUrl).reaches(w.sandboxId, after)) return;
  const read: Promise<Early> =
    after === undefined
      ? readWhole(w).then((whole) => ({ whole }))
      : readChanges(w, after, null).then((changes) => ({ after, changes }));
  w.sendEarly(earlyId, read);
}

/** The snapshot as of the transaction's lock: from its early read if it sent one, else read now. */
async function current(w: SandboxWriter): Promise<Snapshot> {
  const sent = await w.takeEarly<Early>(earlyId);
  // Looked up after the early read's answer: another job of this process may have moved it on.
  const cached = snapshots.get(w.sandboxId);
  if (sent && "whole" in sent) return wholeSnapshot(w, sent.whole);
  // A snapshot another job of this process brought further since is caught up all the same.
  if (sent && cached && cached.revision >= sent.after && cached.revision <= w.lockedRevision) {
    if (catchUp(w, cached, sent.after, sent.changes)) return cached;
  } else if (cached && cached.revision <= w.lockedRevision) {
    if (cached.revision === w.lockedRevision || (await catchUpKept(w, cached))) return cached;
    const rows = await readChanges(w, cached.revision, w.lockedRevision);
    if (catchUp(w, cached, cached.revision, rows)) return cached;
  }
  return wholeSnapshot(w, await readWhole(w));
}

/**
 * The nodes (by name) and the bound pods that hold resources (by namespace and name) as of the
 * transaction's lock. Call before the transaction writes pods or nodes itself: its own writes
 * are not in it.
 */
export async function schedulerSnapshot(w: SandboxWriter): Promise<{ nodes: Node[]; pods: Pod[] }> {
  const snapshot = await current(w);
  snapshots.delete(w.sandboxId);
  snapshots.set(w.sandboxId, snapshot);
  if (snapshots.size > maxSandboxes) snapshots.delete(snapshots.keys().next().value as string);
  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { nodes: byKey(snapshot.nodes).map(([, n]) => n), pods: byKey(snapshot.pods).map(([, p]) => p) };
}
