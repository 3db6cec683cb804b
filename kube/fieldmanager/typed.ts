import { jsonEqual } from "../go/json-marshal.ts";
import { isPlainObject } from "../object.ts";
import { childSchema, isAtomic, itemSchema, listTypeOf, type Schema } from "../types/merge-schema.ts";
import { fieldElement, type Path, type PathElement } from "./path.ts";
import { itemElement, presentDefault } from "./schema.ts";
import { FieldSet } from "./set.ts";

/*
 * The walks structured-merge-diff runs over typed values (typed/tofieldset.go, compare.go,
 * merge.go, remove.go), over plain JSON walked beside the kind's merge schema
 * (kube/types/merge-schema.ts, generated from the Go types' markers as the API server's OpenAPI
 * is): the schema decides which lists are keyed, sets or atomic and which maps are atomic; the
 * shape of each value decides map, list or scalar.
 */

type JsonMap = Record<string, unknown>;

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
function itemsByElement(list: unknown[], schema: Schema, path: Path): Map<PathElement, unknown> {
  const type = listTypeOf(schema);
  const out = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const pe = itemElement(type, item, path, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/**
 * The fields an applied configuration sets (ToFieldSet): its scalars, atomic lists and maps,
 * empty maps and nulls, and every item of a keyed list or set.
 */
export function toFieldSet(schema: Schema, obj: JsonMap): FieldSet {
  const out = new FieldSet();
  const walk = (v: unknown, path: Path, s: Schema) => {
    if (Array.isArray(v)) {
      const type = listTypeOf(s);
      if (type.type === "atomic") return out.insert(path);
      const items = itemSchema(s);
      const seen = new Set<PathElement>();
      v.forEach((item, i) => {
        const pe = itemElement(type, item, path, i);
        if (seen.has(pe)) return;
        seen.add(pe);
        walk(item, [...path, pe], items);
        out.insert([...path, pe]);
      });
    } else if (isPlainObject(v)) {
      if (isAtomic(s)) return out.insert(path);
      for (const [k, child] of Object.entries(v)) {
        const childPath = [...path, fieldElement(k)];
        walk(child, childPath, childSchema(s, k));
        if (child === null || (isPlainObject(child) && Object.keys(child).length === 0))
          out.insert(childPath);
      }
    } else out.insert(path);
  };
  walk(obj, [], schema);
  return out;
}

/** What changed from one object to another, as three disjoint sets of paths. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares two objects of a type (TypedValue.Compare): leaves (scalars, atomic values, empty
 * maps and lists) are added, removed or modified; a map, list or item that appears or
 * disappears as a whole is added or removed itself as well. Fields the Go type always carries
 * (structs held by value, lists without omitempty) count as present wherever their parent is.
 */
export function compareObjects(schema: Schema, lhs: JsonMap, rhs: JsonMap): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: unknown, r: unknown, path: Path) => {
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
    else if (!jsonEqual(l, r)) out.modified.insert(path);
  };
  const walk = (l: unknown, r: unknown, path: Path, s: Schema) => {
    // The same value on both sides (a subtree an update carried over, as a status write carries
    // the labels) holds no change: not walked.
    if (l === r && l !== undefined) return;
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
      const type = listTypeOf(s);
      if (type.type === "atomic" || (isEmptyList(l) && isEmptyList(r))) return leaf(l, r, path);
      const items = itemSchema(s);
      const left = itemsByElement(Array.isArray(l) ? l : [], s, path);
      const right = itemsByElement(Array.isArray(r) ? r : [], s, path);
      for (const pe of new Set([...left.keys(), ...right.keys()]))
        walk(left.get(pe), right.get(pe), [...path, pe], items);
    } else {
      if (isAtomic(s) || (isEmptyMap(l) && isEmptyMap(r))) return leaf(l, r, path);
      const lm = isPlainObject(l) ? l : undefined;
      const rm = isPlainObject(r) ? r : undefined;
      for (const k of new Set([...Object.keys(lm ?? {}), ...Object.keys(rm ?? {})])) {
        const present = presentDefault(s, k);
        const lc = lm && lm[k] !== undefined ? lm[k] : lm && present;
        const rc = rm && rm[k] !== undefined ? rm[k] : rm && present;
        if (lc === undefined && rc === undefined) continue;
        walk(lc, rc, [...path, fieldElement(k)], childSchema(s, k));
      }
    }
    if (l === undefined) out.added.insert(path);
    else if (r === undefined) out.removed.insert(path);
  };
  walk(lhs, rhs, [], schema);
  return out;
}

/** Merges the items of two keyed lists or sets in merge.go's order: the applied order, live-only items kept in place. */
function mergeLists(l: unknown[], r: unknown[], s: Schema, path: Path): unknown[] {
  const type = listTypeOf(s);
  const items = itemSchema(s);
  const lhsPEs = l.map((item, i) => itemElement(type, item, path, i));
  const rhsPEs = r.map((item, i) => itemElement(type, item, path, i));
  const left = itemsByElement(l, s, path);
  const right = itemsByElement(r, s, path);
  const shared = rhsPEs.filter((pe) => left.has(pe));
  let nextShared = shared.shift();
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const push = (lc: unknown, rc: unknown, pe: PathElement) => {
    const v = mergeValues(lc, rc, items, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < lhsPEs.length || ri < rhsPEs.length) {
    if (li < lhsPEs.length && ri < rhsPEs.length) {
      const pe = lhsPEs[li] as PathElement;
      if (pe === rhsPEs[ri]) {
        merged.add(pe);
        push(left.get(pe), right.get(pe), pe);
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
        push(l[li], undefined, pe);
        li++;
        continue;
      }
      if (merged.has(pe)) li++;
    }
    if (ri < rhsPEs.length) {
      const pe = rhsPEs[ri] as PathElement;
      merged.add(pe);
      push(left.get(pe), right.get(pe), pe);
      ri++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

function mergeValues(l: unknown, r: unknown, s: Schema, path: Path): unknown {
  if (r === undefined) return l;
  if (l === undefined) return r;
  if (Array.isArray(l) && Array.isArray(r)) {
    if (listTypeOf(s).type === "atomic" || (l.length === 0 && r.length === 0)) return r;
    return mergeLists(l, r, s, path);
  }
  if (isPlainObject(l) && isPlainObject(r)) {
    if (isAtomic(s) || (isEmptyMap(l) && isEmptyMap(r))) return r;
    const out: JsonMap = {};
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const lv = l[k];
      const rv = r[k];
      const v =
        rv === undefined
          ? lv
          : lv === undefined
            ? rv
            : mergeValues(lv, rv, childSchema(s, k), [...path, fieldElement(k)]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return r;
}

/** The live object with an applied configuration merged in (TypedValue.Merge): what it sets wins. */
export function mergeObjects(schema: Schema, live: JsonMap, config: JsonMap): JsonMap {
  return mergeValues(live, config, schema, []) as JsonMap;
}

/**
 * The object without the fields, map entries and list items in `set` (RemoveItems); maps and
 * lists left empty by the removal go too.
 */
export function removeItems(schema: Schema, obj: JsonMap, set: FieldSet): JsonMap {
  const walk = (v: unknown, fs: FieldSet, s: Schema, path: Path): unknown => {
    if (Array.isArray(v)) {
      const type = listTypeOf(s);
      if (type.type === "atomic" || v.length === 0) return v;
      const items = itemSchema(s);
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const pe = itemElement(type, item, path, i);
        if (fs.members.has(pe)) return;
        const sub = fs.child(pe);
        const kept = sub.isEmpty() ? item : walk(item, sub, items, [...path, pe]);
        if (kept !== undefined) out.push(kept);
      });
      return out.length ? out : undefined;
    }
    if (isPlainObject(v)) {
      if (isAtomic(s) || Object.keys(v).length === 0) return v;
      const out: JsonMap = {};
      for (const [k, child] of Object.entries(v)) {
        const pe = fieldElement(k);
        if (fs.members.has(pe)) continue;
        const sub = fs.child(pe);
        const kept = sub.isEmpty() ? child : walk(child, sub, childSchema(s, k), [...path, pe]);
        if (kept !== undefined) out[k] = kept;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return v;
  };
  return (walk(obj, set, schema, []) as JsonMap | undefined) ?? {};
}
