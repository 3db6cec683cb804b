import { badRequest } from "../errors.ts";
import type { Kind } from "../kinds/kind.ts";
import type { KubeObject } from "../object.ts";
import type { FieldRequirement } from "./parse.ts";

/** Field selectors every kind supports, and the JSON path each reads. */
const commonFields: Record<string, string[]> = {
  "metadata.name": ["metadata", "name"],
  "metadata.namespace": ["metadata", "namespace"],
};

/**
 * The JSON path of each selector field, or a 400 as the API server gives for an unsupported
 * field (`field label not supported: x`). Kinds name their extra fields in selectableFields.
 */
export function fieldPaths(
  kind: Pick<Kind, "selectableFields">,
  requirements: FieldRequirement[],
): string[][] {
  const known = { ...commonFields, ...kind.selectableFields };
  return requirements.map((r) => {
    // Own keys only: "constructor" or "__proto__" name no field.
    const path = Object.hasOwn(known, r.field) ? known[r.field] : undefined;
    if (!path) throw badRequest(`field label not supported: ${r.field}`);
    return path;
  });
}

/** Reads a selector field from an object as a string ("" when absent), for in-memory checks. */
export function fieldValue(obj: KubeObject, path: string[]): string {
  let cur: unknown = obj;
  for (const p of path) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return cur === undefined || cur === null ? "" : String(cur);
}

/** Whether an object satisfies a field selector. */
export function fieldsMatch(obj: KubeObject, requirements: FieldRequirement[], paths: string[][]): boolean {
  return requirements.every((r, i) => {
    const v = fieldValue(obj, paths[i] ?? []);
    return r.op === "eq" ? v === r.value : v !== r.value;
  });
}
