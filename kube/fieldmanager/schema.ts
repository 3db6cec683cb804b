import { isPlainObject } from "../object.ts";
import type { ListType, Schema } from "../types/merge-schema.ts";
import { keyElement, type Path, type PathElement, pathString, valueElement } from "./path.ts";

/*
 * What server-side apply asks of a type's schema beyond merge-schema.ts: the path element of a
 * list item, and the value a field has when JSON leaves it out.
 */

/**
 * The path element of a list item (listItemToPathElement): its key fields for a list map (a
 * missing key takes its default, or is an error), its value for a set.
 */
export function itemElement(list: ListType, item: unknown, at: Path, index: number): PathElement {
  if (list.type === "set") return valueElement(item);
  const where = () => `${pathString(at)}: element ${index}`;
  if (list.type !== "map") throw new Error(`${where()}: atomic lists have no item elements`);
  if (!isPlainObject(item))
    throw new Error(`${where()}: associative list with keys may not have non-map elements`);
  const key: Record<string, unknown> = {};
  for (const k of list.keys) {
    const v = item[k] ?? list.defaults?.[k];
    if (v === undefined)
      throw new Error(
        `${where()}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
      );
    key[k] = v;
  }
  return keyElement(key);
}

/**
 * The value a field of a struct has in its Go type when JSON leaves it out but the struct is
 * there: `{}` for a struct held by value, `[]` or `{}` for a list or map always serialized (as
 * null); undefined otherwise. Go's typed objects always carry these, so they are never added or
 * removed themselves, only what they hold: that is why a create's managedFields show `f:spec`
 * without `".": {}` but `f:labels` with it.
 */
export function presentDefault(schema: Schema, key: string): unknown {
  return schema.kind === "struct" ? schema.fields.get(key)?.present : undefined;
}
