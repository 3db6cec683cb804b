import { badRequest } from "../errors.ts";
import { goSprintV } from "../go/format.ts";
import { clone, isPlainObject, ownValue, setOwn } from "../object.ts";
import { childSchema, itemSchema, type ListStrategy, type Schema } from "../types/merge-schema.ts";
import { withinPatchDepth } from "./patch.ts";

/*
 * Strategic merge patch as the API server's strategicpatch package applies it to a typed object
 * (PatchMetaFromStruct): the patchStrategy and patchMergeKey struct tags of the kind's Go types
 * decide how each list merges, found by walking the merge schema (kube/types/merge-schema.ts)
 * beside the JSON. Lists without a merge strategy, and anything the schema does not know, are
 * replaced, as for JSON without a Go type.
 */

const setOrderPrefix = "$setElementOrder/";
const deleteFromPrefix = "$deleteFromPrimitiveList/";

type Json = unknown;
type JsonMap = Record<string, Json>;

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function sameKey(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Puts list items in the order `$setElementOrder` names; the rest keep their place after them. */
function reorder(list: Json[], order: Json[], strategy: ListStrategy | undefined): Json[] {
  const keyOf = (item: Json) =>
    strategy?.merge === "key" && isPlainObject(item) ? item[strategy.key] : item;
  const ordered: Json[] = [];
  const rest = [...list];
  for (const want of order) {
    const wantKey = strategy?.merge === "key" && isPlainObject(want) ? want[strategy.key] : want;
    const i = rest.findIndex((item) => sameKey(keyOf(item), wantKey));
    if (i >= 0) ordered.push(...rest.splice(i, 1));
  }
  return [...ordered, ...rest];
}

function mergeList(
  original: Json[],
  patch: Json[],
  strategy: ListStrategy,
  items: Schema,
  path: string,
): Json[] {
  if (strategy.merge === "set") {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => sameKey(o, v))) out.push(v);
    return out;
  }
  let out = [...original];
  const { key } = strategy;
  for (const item of patch) {
    if (!isPlainObject(item))
      throw badRequest(`unable to find api field in struct for the list ${path}: items must be objects`);
    const directive = item.$patch;
    if (directive === "replace") {
      // The list is replaced by the patch's items less the directive.
      return patch.filter((p) => !(isPlainObject(p) && p.$patch === "replace"));
    }
    if (item[key] === undefined && directive === undefined)
      throw badRequest(`map: ${goSprintV(item)} does not contain declared merge key: ${key}`);
    const index = out.findIndex((o) => isPlainObject(o) && sameKey(o[key], item[key]));
    if (directive === "delete") {
      out = out.filter((o) => !(isPlainObject(o) && sameKey(o[key], item[key])));
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonMap, item, items, path);
    else out.push(mergeMap({}, item, items, path));
  }
  return out;
}

/**
 * Applies a strategic merge patch to a map, as the API server's strategicpatch package does:
 * maps merge, `null` deletes, lists with a merge key merge by it, other lists replace; the
 * directives `$patch` (replace, delete), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` are honoured and never stored.
 */
function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema, path: string): JsonMap {
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return mergeMap({}, rest, schema, path);
  }
  const out: JsonMap = { ...original };
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch" || k === "$retainKeys") continue;
    if (k.startsWith(setOrderPrefix)) {
      if (Array.isArray(v)) orders.push([k.slice(setOrderPrefix.length), v]);
      continue;
    }
    if (k.startsWith(deleteFromPrefix)) {
      const field = k.slice(deleteFromPrefix.length);
      const list = ownValue(out, field);
      if (Array.isArray(list) && Array.isArray(v))
        setOwn(
          out,
          field,
          list.filter((x) => !v.some((d) => sameKey(d, x))),
        );
      continue;
    }
    const current = ownValue(out, k);
    if (v === null) {
      delete out[k];
    } else if (isPlainObject(v)) {
      const child = childSchema(schema, k);
      const replace = (child.kind === "struct" || child.kind === "map") && child.replace;
      if (v.$patch === "delete") delete out[k];
      else
        setOwn(out, k, mergeMap(isPlainObject(current) && !replace ? current : {}, v, child, join(path, k)));
    } else if (Array.isArray(v)) {
      const child = childSchema(schema, k);
      const strategy = child.kind === "list" ? child.strategy : undefined;
      setOwn(
        out,
        k,
        strategy && Array.isArray(current)
          ? mergeList(current, v, strategy, itemSchema(child), join(path, k))
          : stripDirectives(v, itemSchema(child)),
      );
    } else {
      setOwn(out, k, v);
    }
  }
  for (const [field, order] of orders) {
    const child = childSchema(schema, field);
    const list = ownValue(out, field);
    if (Array.isArray(list))
      setOwn(out, field, reorder(list, order, child.kind === "list" ? child.strategy : undefined));
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

/** A replaced list or new item carries no directives into storage. */
function stripDirectives(list: Json[], items: Schema): Json[] {
  return list.map((item) => (isPlainObject(item) ? mergeMap({}, item, items, "") : item));
}

/**
 * Applies a strategic merge patch body to an object whose type is `schema` (kindSchema for a
 * kind's objects, messageSchema for others such as autoscaling/v1 Scale; untyped replaces
 * every list).
 */
export function applyStrategicMergePatch(current: JsonMap, patch: unknown, schema: Schema): JsonMap {
  if (!isPlainObject(patch)) throw badRequest("the patch must be a JSON object");
  return withinPatchDepth(() => mergeMap(clone(current), patch, schema, ""));
}
