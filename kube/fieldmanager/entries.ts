import type { ManagedFieldsEntry } from "../types/meta-v1.ts";
import { FieldSet } from "./set.ts";

/** metav1.ManagedFieldsEntry, as objects carry it in metadata.managedFields. */
export type { ManagedFieldsEntry };

/** Who a set of fields belongs to, the parts of an entry that tell two managers apart. */
export interface ManagerInfo {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
}

/** The fields one manager owns, at the API version it wrote them in. */
export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

/** Every manager's fields and the time of its last change, keyed by manager identifier. */
export interface Managed {
  sets: Map<string, VersionedSet>;
  times: Map<string, string>;
}

/** A Managed with no managers. */
export function emptyManaged(): Managed {
  return { sets: new Map(), times: new Map() };
}

/** A copy whose sets and times can change without changing the original. */
export function copyManaged(m: Managed): Managed {
  return {
    sets: new Map([...m.sets].map(([id, vs]) => [id, { ...vs, set: vs.set.copy() }])),
    times: new Map(m.times),
  };
}

/**
 * The identifier of a manager (BuildManagerIdentifier): its entry without fields and time,
 * and without the API version for appliers, so one applier keeps one entry across versions.
 */
export function managerId(info: ManagerInfo): string {
  return JSON.stringify({
    manager: info.manager || undefined,
    operation: info.operation,
    apiVersion: info.operation === "Apply" ? undefined : info.apiVersion || undefined,
    subresource: info.subresource || undefined,
  });
}

/** The manager, operation and subresource an identifier names. */
export function parseManagerId(id: string): Partial<ManagerInfo> {
  return JSON.parse(id) as Partial<ManagerInfo>;
}

/**
 * The FieldsV1 a set was read from, for sets read from a stored object: the store holds only what
 * encodeManagedFields wrote, so that form is the set's own, and a manager a write leaves alone
 * is written back as it was read, not encoded again. Sets never change once made (every
 * operation returns a new one), so the form stays true for as long as the set lives.
 */
const storedForm = new WeakMap<FieldSet, unknown>();

/**
 * Sets read from FieldsV1, by its JSON. The same few forms come back on every write of an
 * object (its creator's entry, its kubelet's), and reading one walks every key, parsing each;
 * its JSON costs a fraction of that. Sets never change once made, so one serves every read of
 * its form. Bounded; the oldest read goes first.
 */
const readSets = new Map<string, FieldSet>();
const readSetsMax = 4096;

function readSet(fields: unknown): FieldSet {
  const json = JSON.stringify(fields);
  const hit = readSets.get(json);
  if (hit) return hit;
  const set = FieldSet.fromFieldsV1(fields);
  if (readSets.size >= readSetsMax) readSets.delete(readSets.keys().next().value as string);
  readSets.set(json, set);
  return set;
}

/**
 * Reads metadata.managedFields (DecodeManagedFields); throws on an entry the API server would
 * refuse. `stored`: the entries are a stored object's (see storedForm), not a client's.
 */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined, stored = false): Managed {
  const out = emptyManaged();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== "Apply" && e.operation !== "Update")
      throw new Error("operation must be `Apply` or `Update`");
    if (!e.apiVersion) throw new Error("apiVersion must not be empty");
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== "FieldsV1")
      throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerId({
      manager: e.manager ?? "",
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource ?? "",
    });
    const set = e.fieldsV1 === undefined ? new FieldSet() : readSet(e.fieldsV1);
    if (stored && e.fieldsV1 !== undefined) storedForm.set(set, e.fieldsV1);
    out.sets.set(id, { set, apiVersion: e.apiVersion, applied: e.operation === "Apply" });
    if (e.time !== undefined) out.times.set(id, e.time);
    else out.times.delete(id);
  });
  return out;
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) || 0 : 0;
}

/** Writes managers back as entries (encodeManagedFields), sorted as the API server sorts them; undefined when none. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.sets.size === 0) return undefined;
  const entries = [...managed.sets].map(([id, vs]): ManagedFieldsEntry => {
    const info = parseManagerId(id);
    const time = managed.times.get(id);
    return {
      ...(info.manager ? { manager: info.manager } : {}),
      operation: vs.applied ? "Apply" : (info.operation ?? "Update"),
      apiVersion: vs.apiVersion,
      ...(time ? { time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: (storedForm.get(vs.set) as Record<string, unknown> | undefined) ?? vs.set.toFieldsV1(),
      ...(info.subresource ? { subresource: info.subresource } : {}),
    };
  });
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation ?? "", q.operation ?? "") ||
      cmp(seconds(p.time), seconds(q.time)) ||
      cmp(p.manager ?? "", q.manager ?? "") ||
      cmp(p.apiVersion ?? "", q.apiVersion ?? "") ||
      cmp(p.subresource ?? "", q.subresource ?? ""),
  );
}

/**
 * Whether a client's managedFields ask to reset them (isResetManagedFields): an empty list, or
 * a list of one empty entry. Absent or null means "keep what is stored".
 */
export function isResetManagedFields(entries: ManagedFieldsEntry[] | undefined): boolean {
  if (entries === undefined) return false;
  return entries.length <= 1 && entries.every((e) => Object.keys(e).length === 0);
}
