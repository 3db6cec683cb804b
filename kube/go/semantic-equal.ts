import { isPlainObject } from "../object.ts";

/** Empty lists and objects count as absent, as nil and empty do for apiequality.Semantic. */
function absentIfEmpty(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (isPlainObject(v) && Object.keys(v).length === 0) return undefined;
  return v;
}

/**
 * Deep equality of JSON values as apiequality.Semantic.DeepEqual sees decoded objects: key order
 * ignored, empty and absent alike.
 */
export function semanticEqual(x: unknown, y: unknown): boolean {
  const a = absentIfEmpty(x);
  const b = absentIfEmpty(y);
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b))
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => semanticEqual(x, b[i]))
    );
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
  return true;
}
