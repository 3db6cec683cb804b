import { goJson } from "../go/json-marshal.ts";
import { isPlainObject } from "../object.ts";

/**
 * One step of a field path, kept in its FieldsV1 spelling (structured-merge-diff's
 * PathElement): `f:<field>` names a map field, `k:{"name":"web"}` a keyed list item,
 * `v:"x"` an item of a set, `i:0` an item by index.
 */
export type PathElement = string;

/** A field path from the object's root. */
export type Path = PathElement[];

/** The element naming a map field. */
export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** The element naming a keyed list item by its key fields (written sorted by name). */
export function keyElement(key: Record<string, unknown>): PathElement {
  return `k:${goJson(key)}`;
}

/** The element naming an item of a set list by its value. */
export function valueElement(value: unknown): PathElement {
  return `v:${goJson(value)}`;
}

const kinds = ["f", "k", "v", "i"] as const;

/** Checks a FieldsV1 key, as DeserializePathElement does; null for an unknown element type. */
export function parseElement(s: string): PathElement | null {
  if (s.length < 2 || s[1] !== ":") throw new Error(`missing colon: ${s}`);
  const type = s[0];
  if (!kinds.includes(type as (typeof kinds)[number])) return null;
  const body = s.slice(2);
  if (type === "k") {
    const key = JSON.parse(body);
    if (!isPlainObject(key)) throw new Error(`key must be an object: ${s}`);
    return keyElement(key);
  }
  if (type === "v") return valueElement(JSON.parse(body));
  if (type === "i" && !/^-?\d+$/.test(body)) throw new Error(`invalid index: ${s}`);
  return s;
}

function rankOf(v: unknown): number {
  if (typeof v === "number") return 0;
  if (typeof v === "string") return 1;
  if (typeof v === "boolean") return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5;
}

function cmp<T extends string | number | boolean>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** value.Compare's total order: numbers, strings, booleans, lists, maps, null. */
function compareValues(a: unknown, b: unknown): number {
  const ra = rankOf(a);
  const rb = rankOf(b);
  if (ra !== rb) return cmp(ra, rb);
  if (ra <= 2) return cmp(a as string, b as string);
  if (ra === 5) return 0;
  return cmp(goJson(a), goJson(b));
}

function compareKeys(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ea = Object.entries(a);
  const eb = Object.entries(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const [na, va] = ea[i] as [string, unknown];
    const [nb, vb] = eb[i] as [string, unknown];
    const c = cmp(na, nb) || compareValues(va, vb);
    if (c) return c;
  }
  return cmp(ea.length, eb.length);
}

/**
 * The JSON of key and value elements, parsed: sorting a set's elements (every managedFields
 * entry written) compares the same few elements many times.
 */
const parsedBodies = new Map<string, unknown>();

function parsedBody(body: string): unknown {
  if (parsedBodies.has(body)) return parsedBodies.get(body);
  const value = JSON.parse(body);
  if (parsedBodies.size >= 4096) parsedBodies.delete(parsedBodies.keys().next().value as string);
  parsedBodies.set(body, value);
  return value;
}

/** PathElement.Compare: fields, then keys, then values, then indexes, each in their own order. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ta = kinds.indexOf(a[0] as (typeof kinds)[number]);
  const tb = kinds.indexOf(b[0] as (typeof kinds)[number]);
  if (ta !== tb) return cmp(ta, tb);
  const ba = a.slice(2);
  const bb = b.slice(2);
  switch (a[0]) {
    case "f":
      return cmp(ba, bb);
    case "k":
      return compareKeys(
        parsedBody(ba) as Record<string, unknown>,
        parsedBody(bb) as Record<string, unknown>,
      );
    case "v":
      return compareValues(parsedBody(ba), parsedBody(bb));
    default:
      return cmp(Number(ba), Number(bb));
  }
}

/** value.ToString, as conflict messages print key values: strings quoted, numbers plain. */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(",")}]`;
  if (isPlainObject(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}=${valueString(x)}`)
      .join("");
  return String(v);
}

/** How a path element prints in messages: `.spec`, `[name="web"]`, `[="x"]`, `[0]`. */
export function elementString(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case "f":
      return `.${body}`;
    case "k":
      return `[${Object.entries(JSON.parse(body) as Record<string, unknown>)
        .map(([k, v]) => `${k}=${valueString(v)}`)
        .join(",")}]`;
    case "v":
      return `[=${valueString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

/** A path as the API server prints it in apply conflicts: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path.map(elementString).join("");
}
