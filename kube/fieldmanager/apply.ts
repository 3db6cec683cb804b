import { StatusError } from "../errors.ts";
import { goJson, jsonEqual } from "../go/json-marshal.ts";
import { apiVersionOf } from "../kinds/kind.ts";
import { clone, isPlainObject, type KubeObject, timestamp } from "../object.ts";
import { ApplyConflicts, type Conflict, conflictError } from "./conflict.ts";
import { copyManaged, decodeManagedFields, type Managed, managerId } from "./entries.ts";
import {
  compareForScope,
  recordUpdateOn,
  resetFilter,
  schemaOf,
  setManagedFields,
  stripServerOwned,
  type WriteScope,
  withoutManagedFields,
} from "./managed-fields.ts";
import { FieldSet } from "./set.ts";
import { compareObjects, mergeObjects, removeItems, toFieldSet } from "./typed.ts";

/*
 * Server-side apply (structured-merge-diff's Updater.Apply, wrapped as the API server wraps
 * it): merge the applied configuration into the live object, remove what this manager applied
 * last time and no longer applies (unless someone else owns it), refuse to change fields other
 * managers own unless forced, and record the configuration's fields as the manager's Apply entry.
 */

/** The annotation client-side apply keeps the last applied configuration in. */
export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

/** kubectl's default apply manager: the one that migrates from client-side apply. */
const kubectlManager = "kubectl";

/** The manager that takes the fields of an object applied to for the first time with no managers. */
const beforeFirstApply = "before-first-apply";

/** An apply's outcome: the object to store and whether anything but managedFields changed. */
export interface ApplyResult {
  object: KubeObject;
  changed: boolean;
}

/** Every manager's fields, plus the fields each owns' named parents (to decide what stays). */
function ownedByAnyone(managed: Managed): FieldSet {
  let all = new FieldSet();
  for (const vs of managed.sets.values()) all = all.union(vs.set);
  return all.withNamedFields();
}

/** One apply by one manager on the managers as given; throws ApplyConflicts unless forced. */
function applyOnce(
  scope: WriteScope,
  start: Managed,
  live: KubeObject,
  config: KubeObject,
  manager: string,
  force: boolean,
  now: string,
): { object: KubeObject; managed: Managed; changed: boolean } {
  const managed = copyManaged(start);
  const id = managerId({ manager, operation: "Apply", apiVersion: "", subresource: scope.subresource });
  const schema = schemaOf(scope);
  const merged = mergeObjects(schema, live, config) as KubeObject;
  const last = managed.sets.get(id)?.set;
  managed.sets.set(id, {
    set: resetFilter(scope, toFieldSet(schema, config)),
    apiVersion: apiVersionOf(scope.kind),
    applied: true,
  });
  let next = merged;
  if (last && !last.isEmpty()) {
    // Remove what this manager applied before and no one (itself included) owns now.
    const prune = last.withNamedFields().difference(ownedByAnyone(managed));
    next = removeItems(schema, merged, prune) as KubeObject;
  }
  const c = compareForScope(scope, live, next);
  const changes = c.modified.union(c.added);
  const conflicts: Conflict[] = [];
  for (const [m, vs] of managed.sets) {
    if (m === id) continue;
    for (const path of vs.set.intersection(changes).paths()) conflicts.push({ managerId: m, path });
  }
  if (conflicts.length && !force) throw new ApplyConflicts(conflicts);
  for (const [m, vs] of managed.sets) {
    if (m === id) continue;
    const set = vs.set.difference(changes).difference(c.removed);
    if (set.isEmpty()) managed.sets.delete(m);
    else managed.sets.set(m, { ...vs, set });
  }
  const own = managed.sets.get(id);
  if (own) {
    const set = stripServerOwned(own.set);
    if (set.isEmpty()) managed.sets.delete(id);
    else managed.sets.set(id, { ...own, set });
  }
  const changed = !jsonEqual(live, next);
  if (changed) managed.times.set(id, now);
  return { object: changed ? next : clone(live), managed, changed };
}

/**
 * The fields client-side apply last set and the live object still holds
 * (allowedConflictsFromLastApplied); null when there is no usable annotation.
 */
function lastAppliedFields(scope: WriteScope, live: KubeObject): FieldSet | null {
  const text = live.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return null;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(last) || last.apiVersion !== apiVersionOf(scope.kind)) return null;
  try {
    const schema = schemaOf(scope);
    const c = compareObjects(schema, last, live);
    return toFieldSet(schema, last).difference(c.modified).difference(c.added).difference(c.removed);
  } catch {
    return null;
  }
}

/**
 * Applies as `kubectl`, which may take over fields client-side apply set without a conflict
 * (lastAppliedManager): conflicts on fields the last-applied annotation still describes are
 * forced; any other conflict stands.
 */
function applyAsKubectl(
  scope: WriteScope,
  start: Managed,
  live: KubeObject,
  config: KubeObject,
  force: boolean,
  now: string,
) {
  try {
    return applyOnce(scope, start, live, config, kubectlManager, force, now);
  } catch (err) {
    if (!(err instanceof ApplyConflicts)) throw err;
    const allowed = lastAppliedFields(scope, live);
    if (!allowed) throw err;
    const left = err.conflicts.filter((c) => !allowed.has(c.path));
    if (left.length) throw new ApplyConflicts(left);
    return applyOnce(scope, start, live, config, kubectlManager, true, now);
  }
}

/** The last-applied annotation as the API server rewrites it: the applied configuration as Go JSON. */
function lastAppliedText(config: KubeObject): string {
  const copy = clone(config);
  if (isPlainObject(copy.metadata.annotations)) delete copy.metadata.annotations[lastAppliedAnnotation];
  return `${goJson(copy)}\n`;
}

function internalError(message: string): StatusError {
  return new StatusError(500, "InternalError", `Internal error occurred: ${message}`);
}

/**
 * Applies a configuration to the live object (null when creating) for a manager, and returns
 * the object to store with its managedFields. Conflicts are a 409 unless `force`.
 */
export function applyConfiguration(
  scope: WriteScope,
  live: KubeObject | null,
  config: KubeObject,
  manager: string,
  force: boolean,
  now = timestamp(),
): ApplyResult {
  const current: KubeObject = live ? withoutManagedFields(live) : { metadata: {} };
  let managed: Managed;
  try {
    managed = decodeManagedFields(live?.metadata.managedFields);
  } catch (err) {
    throw internalError(`failed to decode managed fields: ${(err as Error).message}`);
  }
  try {
    // An object never tracked before is owned by "before-first-apply" from here on.
    if (managed.sets.size === 0 && live)
      managed = recordUpdateOn(scope, managed, { metadata: {} }, current, beforeFirstApply, now);
    const result =
      manager === kubectlManager
        ? applyAsKubectl(scope, managed, current, config, force, now)
        : applyOnce(scope, managed, current, config, manager, force, now);
    const object = result.object;
    if (manager === kubectlManager && object.metadata.annotations?.[lastAppliedAnnotation])
      object.metadata.annotations[lastAppliedAnnotation] = lastAppliedText(config);
    setManagedFields(object, result.managed, live);
    return { object, changed: result.changed };
  } catch (err) {
    if (err instanceof ApplyConflicts) throw conflictError(err.conflicts);
    if (err instanceof StatusError) throw err;
    throw internalError((err as Error).message);
  }
}
