import { jsonEqual } from "../go/json-marshal.ts";
import { apiVersionOf, type Kind } from "../kinds/kind.ts";
import { type KubeObject, timestamp } from "../object.ts";
import { kindSchema, type Schema } from "../types/merge-schema.ts";
import {
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  type Managed,
  managerId,
} from "./entries.ts";
import { fieldElement, type Path } from "./path.ts";
import { FieldSet } from "./set.ts";
import { type Comparison, compareObjects } from "./typed.ts";

/*
 * metadata.managedFields, recorded as the API server's field manager does
 * (k8s.io/apimachinery pkg/util/managedfields): every create, update and patch adds the fields
 * it set or changed to its manager's Update entry and takes them from every other manager;
 * server-side apply (apply.ts) keeps Apply entries. This file holds the Update
 * path and what both share.
 */

/** Where a write goes: the kind, and "" for the main resource or "status". */
export interface WriteScope {
  kind: Kind;
  subresource: string;
}

/** The merge schema of the scope's kind. */
export function schemaOf(scope: WriteScope): Schema {
  return kindSchema(apiVersionOf(scope.kind), scope.kind.kind);
}

/** How many Update entries an object keeps before the oldest merge into "ancient-changes". */
const maxUpdateManagers = 10;

/** Fields no manager owns: identity, and what the server sets (stripMeta). */
const serverOwned = FieldSet.of(
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata"],
  ...[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
  ].map((f): Path => ["f:metadata", fieldElement(f)]),
);

/** Removes the server-owned fields from a manager's set. */
export function stripServerOwned(set: FieldSet): FieldSet {
  return set.difference(serverOwned);
}

/**
 * Drops what the endpoint resets from a set of fields (the strategies' GetResetFields): the
 * main endpoint of a kind with a status subresource does not write status, the status
 * subresource writes nothing but status.
 */
export function resetFilter(scope: WriteScope, set: FieldSet): FieldSet {
  const status = fieldElement("status");
  if (scope.subresource === "status") {
    const metadata = fieldElement("metadata");
    return set.filterTop((pe) => pe === status || pe === metadata);
  }
  if (!scope.kind.subresources.includes("status")) return set;
  return set.filterTop((pe) => pe !== status);
}

/**
 * The part of an object the endpoint writes: top-level fields compare on their own, so what
 * resetFilter would drop need not be compared at all (a pod's status write leaves its spec,
 * the bulk of it, out).
 */
function writtenPart(scope: WriteScope, obj: KubeObject): KubeObject {
  if (scope.subresource === "status")
    return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata, status: obj.status };
  if (!scope.kind.subresources.includes("status")) return obj;
  const { status: _, ...rest } = obj;
  return rest as KubeObject;
}

/** Compares two objects of the scope's kind and leaves out what the endpoint resets. */
export function compareForScope(scope: WriteScope, lhs: KubeObject, rhs: KubeObject): Comparison {
  const c = compareObjects(schemaOf(scope), writtenPart(scope, lhs), writtenPart(scope, rhs));
  return {
    added: resetFilter(scope, c.added),
    modified: resetFilter(scope, c.modified),
    removed: resetFilter(scope, c.removed),
  };
}

/** The object without metadata.managedFields, which never takes part in comparisons. */
export function withoutManagedFields(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, managedFields: undefined } };
}

/** Merges the oldest Update entries per API version once there are more than ten (capManagersManager). */
function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.sets].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= maxUpdateManagers) return;
  const secs = (id: string) => Math.floor(Date.parse(managed.times.get(id) ?? "") / 1000) || 0;
  updaters.sort((a, b) => secs(a) - secs(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const id of updaters) {
    if (length <= maxUpdateManagers) break;
    const vs = managed.sets.get(id);
    if (!vs) continue;
    const bucket = managerId({ manager: "ancient-changes", operation: "Update", apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.sets.has(bucket)) {
      const moved = managed.sets.get(first);
      managed.sets.delete(first);
      if (moved) managed.sets.set(bucket, moved);
    }
    const into = managed.sets.get(bucket);
    managed.sets.set(bucket, { ...vs, set: into ? vs.set.union(into.set) : vs.set });
    managed.sets.delete(id);
    length--;
    const time = managed.times.get(id);
    if (time) managed.times.set(bucket, time);
  }
}

/**
 * Records an Update by `manager` that turned `live` into `next` (Updater.Update, wrapped as
 * the API server wraps it): every other manager loses the fields it changed or removed, and
 * the manager's entry gains the fields it changed, with a new time when it gained any.
 */
export function recordUpdateOn(
  scope: WriteScope,
  managed: Managed,
  live: KubeObject,
  next: KubeObject,
  manager: string,
  now: string,
): Managed {
  const apiVersion = apiVersionOf(scope.kind);
  const id = managerId({
    manager: manager || "unknown",
    operation: "Update",
    apiVersion,
    subresource: scope.subresource,
  });
  const c = compareForScope(scope, withoutManagedFields(live), withoutManagedFields(next));
  const changed = c.modified.union(c.added);
  // Sets are never changed in place: a manager the write leaves alone keeps its very set.
  const out: Managed = { sets: new Map(managed.sets), times: new Map(managed.times) };
  for (const [m, vs] of out.sets) {
    if (!vs.set.intersects(changed) && !vs.set.intersects(c.removed)) continue;
    const set = vs.set.difference(changed).difference(c.removed);
    if (set.isEmpty()) out.sets.delete(m);
    else out.sets.set(m, { ...vs, set });
  }
  const own = stripServerOwned(changed);
  if (!own.isEmpty()) {
    const previous = out.sets.get(id);
    const set = previous ? own.union(previous.set) : own;
    // A manager that changed only fields it owned (a kubelet's status writes, mostly) keeps its
    // very set, whose stored form is then written back as it was read (entries.ts).
    const before = managed.sets.get(id)?.set;
    out.sets.set(id, { set: before?.equals(set) ? before : set, apiVersion, applied: false });
    out.times.set(id, now);
  }
  capUpdateManagers(out);
  return out;
}

/**
 * The managers a write starts from (decodeLiveOrNew): the stored ones for a subresource;
 * otherwise the client's, when it sent valid ones (an empty list resets them), else the stored.
 */
function startingManaged(live: KubeObject | null, next: KubeObject, subresource: string): Managed {
  const stored = () => {
    try {
      return decodeManagedFields(live?.metadata.managedFields, true);
    } catch {
      return emptyManaged();
    }
  };
  if (subresource) return stored();
  const sent = next.metadata.managedFields;
  if (isResetManagedFields(sent)) return emptyManaged();
  try {
    const m = decodeManagedFields(sent);
    if (m.sets.size) return m;
  } catch {
    // Unreadable managedFields from a client are ignored, as the API server ignores them.
  }
  return stored();
}

/** Sets metadata.managedFields in place (keeping the stored array when nothing changed), or removes it. */
export function setManagedFields(obj: KubeObject, managed: Managed, live: KubeObject | null): void {
  const entries = encodeManagedFields(managed);
  const stored = live?.metadata.managedFields;
  if (entries === undefined) delete obj.metadata.managedFields;
  else obj.metadata.managedFields = stored && jsonEqual(stored, entries) ? stored : entries;
}

/**
 * Records a create (live null), update or patch in next.metadata.managedFields, as the API
 * server does before admission. An object stored without managedFields stays untracked on
 * update; a failure to compute them keeps the stored ones (UpdateNoErrors).
 */
export function recordUpdate(
  scope: WriteScope,
  live: KubeObject | null,
  next: KubeObject,
  manager: string | undefined,
  now = timestamp(),
): void {
  try {
    const managed = startingManaged(live, next, scope.subresource);
    if (managed.sets.size === 0 && live) {
      delete next.metadata.managedFields;
      return;
    }
    const base: KubeObject = live ?? { metadata: {} };
    setManagedFields(next, recordUpdateOn(scope, managed, base, next, manager ?? "", now), live);
  } catch {
    if (live?.metadata.managedFields) next.metadata.managedFields = live.metadata.managedFields;
    else delete next.metadata.managedFields;
  }
}
