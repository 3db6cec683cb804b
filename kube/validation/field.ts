import type { FieldError } from "../errors.ts";

/**
 * Field errors the shared helpers in kube/errors.ts do not cover, and values rendered as Go's
 * field.Error renders them (`%q` for strings, `%v` for numbers, `%#v` for maps and structs), so
 * messages read exactly as the API server's.
 */

/** A FieldError of type Duplicate: `Duplicate value: "nginx"`. */
export function duplicate(field: string, value: unknown): FieldError {
  return { type: "FieldValueDuplicate", field, body: `Duplicate value: ${goValue(value)}` };
}

/** A FieldError of type NotFound: `Not found: "x"`. */
export function notFoundField(field: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field, body: `Not found: ${goValue(value)}` };
}

/** A FieldError of type Invalid whose value is already rendered (Go's `%#v` of a map or struct). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return {
    type: "FieldValueInvalid",
    field,
    body: `Invalid value: ${rendered}${detail ? `: ${detail}` : ""}`,
  };
}

/** apimachinery's InclusiveRangeError. */
export function inclusiveRange(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** apimachinery's IsNegativeErrorMsg. */
export const isNegativeMessage = "must be greater than or equal to 0";

/** apimachinery's FieldImmutableErrorMsg. */
export const immutableMessage = "field is immutable";

/** A scalar as field.Error prints it: strings quoted, numbers and booleans plain, null for nothing. */
export function goValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined || value === null) return "null";
  return JSON.stringify(value);
}

/** Go's `%#v` of a map[string]string: `map[string]string{"app":"nginx"}`, keys sorted, nil for absent. */
export function goStringMap(map: unknown): string {
  if (typeof map !== "object" || map === null || Array.isArray(map)) return "map[string]string(nil)";
  const entries = Object.entries(map as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(String(v))}`);
  return `map[string]string{${entries.join(", ")}}`;
}

function goStringSlice(values: unknown): string {
  if (!Array.isArray(values)) return "[]string(nil)";
  return `[]string{${values.map((v) => JSON.stringify(String(v))).join(", ")}}`;
}

/** Go's `%#v` of a metav1.LabelSelector, as immutability and empty-selector errors print it. */
export function goLabelSelector(selector: unknown): string {
  const s = (typeof selector === "object" && selector !== null ? selector : {}) as Record<string, unknown>;
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions
        .map((e) => {
          const r = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(r.key ?? ""))}, Operator:${JSON.stringify(String(r.operator ?? ""))}, Values:${goStringSlice(r.values)}}`;
        })
        .join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}
