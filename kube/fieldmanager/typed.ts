import { jsonEqual } from "../go/json-marshal.ts";
import { isPlainObject } from "../object.ts";
import { fieldElement, type Path, type PathElement } from "./path.ts";
import { isAtomicMap, itemElement, listTypeOf, presentDefault } from "./schema.ts";
import { FieldSet } from "./set.ts";

/*
 * The walks structured-merge-diff runs over typed values (typed/tofieldset.go, compare.go,
 * merge.go, remove.go), over plain JSON: the shape of each value decides map, list or scalar,
 * and the tables of schema.ts stand in for the OpenAPI schema.
 */

type JsonMap = Record<string, unknown>;

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Whether a JSON value is walked as a list, a map or a scalar (null included); undefined when absent. */
function shapeOf(v: unknown): "list" | "map" | "scalar" | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return "list";
  return isPlainObject(v) ? "map" : "scalar";
}

function isEmptyList(v: unknown): boolean {
  return !Array.isArray(v) || v.length === 0;
}

function isEmptyMap(v: unknown): boolean {
  return !isPlainObject(v) || Object.keys(v).length === 0;
}

/** The distinct items of a list by path element, first occurrence kept. */
function itemsByElement(list: unknown[], sp: string): Map<PathElement, unknown> {
  const type = listTypeOf(sp);
  const out = new Map<PathElement, unknown>();
  for (const item of list) {
    const pe = itemElement(type, item, sp);
    if (!out.has(pe)) out.set(pe, item);
  }
  return out;
}

/**
 * The fields an applied configuration sets (ToFieldSet): its scalars, atomic lists and maps,
 * empty maps and nulls, and every item of a keyed list or set.
 */
export function toFieldSet(obj: JsonMap): FieldSet {
  const out = new FieldSet();
  const walk = (v: unknown, path: Path, sp: string) => {
    if (Array.isArray(v)) {
      const type = listTypeOf(sp);
      if (type.type === "atomic") return out.insert(path);
      const seen = new Set<PathElement>();
      for (const item of v) {
        const pe = itemElement(type, item, sp);
        if (seen.has(pe)) continue;
        seen.add(pe);
        walk(item, [...path, pe], sp);
        out.insert([...path, pe]);
      }
    } else if (isPlainObject(v)) {
      if (isAtomicMap(sp)) return out.insert(path);
      for (const [k, child] of Object.entries(v)) {
        const childPath = [...path, fieldElement(k)];
        walk(child, childPath, join(sp, k));
        if (child === null || (isPlainObject(child) && Object.keys(child).length === 0))
          out.insert(childPath);
      }
    } else out.insert(path);
  };
  walk(obj, [], "");
  return out;
}

/** What changed from one object to another, as three disjoint sets of paths. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares two objects of a kind (TypedValue.Compare): leaves (scalars, atomic values, empty
 * maps and lists) are added, removed or modified; a map, list or item that appears or
 * disappears as a whole is added or removed itself as well. Fields the Go type always carries
 * (structs held by value, some lists) count as present wherever their parent is.
 */
export function compareObjects(kind: string, lhs: JsonMap, rhs: JsonMap): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: Path) => {
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else if (!jsonEqual(l, r)) out.modified.insert(path);
  };
  const walk = (l: unknown, r: unknown, path: Path, sp: string) => {
    // A null list or map compares as an empty one, as the typed value reads it.
    if (l === null && Array.isArray(r)) l = [];
    else if (l === null && isPlainObject(r)) l = {};
    if (r === null && Array.isArray(l)) r = [];
    else if (r === null && isPlainObject(l)) r = {};
    const ls = shapeOf(l);
    const rs = shapeOf(r);
    const shape = ls ?? rs;
    if ((ls && rs && ls !== rs) || shape === "scalar") return leaf(l, r, path);
    if (shape === "list") {
      const type = listTypeOf(sp);
      if (type.type === "atomic" || (isEmptyList(l) && isEmptyList(r))) return leaf(l, r, path);
      const left = itemsByElement(Array.isArray(l) ? l : [], sp);
      const right = itemsByElement(Array.isArray(r) ? r : [], sp);
      for (const pe of new Set([...left.keys(), ...right.keys()]))
        walk(left.get(pe), right.get(pe), [...path, pe], sp);
    } else {
      if (isAtomicMap(sp) || (isEmptyMap(l) && isEmptyMap(r))) return leaf(l, r, path);
      const lm = isPlainObject(l) ? l : undefined;
      const rm = isPlainObject(r) ? r : undefined;
      for (const k of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
        const childSp = join(sp, k);
        const present = presentDefault(kind, childSp);
        const lc = lm && lm[k] !== undefined ? lm[k] : lm && present;
        const rc = rm && rm[k] !== undefined ? rm[k] : rm && present;
        if (lc === undefined && rc === undefined) continue;
        walk(lc, rc, [...path, fieldElement(k)], childSp);
      }
    }
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
  };
  walk(lhs, rhs, [], "");
  return out;
}

/** Merges the items of two keyed lists or sets in merge.go's order: the applied order, live-only items kept in place. */
function mergeLists(l: unknown[], r: unknown[], sp: string): unknown[] {
  const type = listTypeOf(sp);
  const lhsPEs = l.map((item) => itemElement(type, item, sp));
  const rhsPEs = r.map((item) => itemElement(type, item, sp));
  const left = itemsByElement(l, sp);
  const right = itemsByElement(r, sp);
  const shared = rhsPEs.filter((pe) => left.has(pe));
  let nextShared = shared.shift();
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const push = (lc: unknown, rc: unknown) => {
    const v = mergeValues(lc, rc, sp);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lhsPEs.length || ri < rhsPEs.length) {
    if (li < lhsPEs.length && ri < rhsPEs.length) {
      const pe = lhsPEs[li] as PathElement;
      if (pe === rhsPEs[ri]) {
        merged.add(pe);
        push(left.get(pe), right.get(pe));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (right.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lhsPEs.length) {
      const pe = lhsPEs[li] as PathElement;
      if (!right.has(pe)) {
        push(l[li], undefined);
        li++;
        continue;
      }
      if (merged.has(pe)) li++;
    }
    if (ri < rhsPEs.length) {
      const pe = rhsPEs[ri] as PathElement;
      merged.add(pe);
      push(left.get(pe), right.get(pe));
      ri++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

function mergeValues(l: unknown, r: unknown, sp: string): unknown {
  if (r === undefined) return l;
  if (l === undefined) return r;
  if (Array.isArray(l) && Array.isArray(r)) {
    if (listTypeOf(sp).type === "atomic" || (l.length === 0 && r.length === 0)) return r;
    return mergeLists(l, r, sp);
  }
  if (isPlainObject(l) && isPlainObject(r)) {
    if (isAtomicMap(sp) || (isEmptyMap(l) && isEmptyMap(r))) return r;
    const out: JsonMap = {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const v = mergeValues(l[k], r[k], join(sp, k));
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return r;
}

/** The live object with an applied configuration merged in (TypedValue.Merge): what it sets wins. */
export function mergeObjects(live: JsonMap, config: JsonMap): JsonMap {
  return mergeValues(live, config, "") as JsonMap;
}

/**
 * The object without the fields, map entries and list items in `set` (RemoveItems); maps and
 * lists left empty by the removal go too.
 */
export function removeItems(obj: JsonMap, set: FieldSet): JsonMap {
  const walk = (v: unknown, s: FieldSet, sp: string): unknown => {
    if (Array.isArray(v)) {
      const type = listTypeOf(sp);
      if (type.type === "atomic" || v.length === 0) return v;
      const out: unknown[] = [];
      for (const item of v) {
        const pe = itemElement(type, item, sp);
        if (s.members.has(pe)) continue;
        const sub = s.child(pe);
        const kept = sub.isEmpty() ? item : walk(item, sub, sp);
        if (kept !== undefined) out.push(kept);
      }
      return out.length ? out : undefined;
    }
    if (isPlainObject(v)) {
      if (isAtomicMap(sp) || Object.keys(v).length === 0) return v;
      const out: JsonMap = {};
      for (const [k, child] of Object.entries(v)) {
        const pe = fieldElement(k);
        if (s.members.has(pe)) continue;
        const sub = s.child(pe);
        const kept = sub.isEmpty() ? child : walk(child, sub, join(sp, k));
        if (kept !== undefined) out[k] = kept;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return v;
  };
  return (walk(obj, set, "") as JsonMap | undefined) ?? {};
}
