import type { FieldError } from "../../errors.ts";

/**
 * Values as the API server prints them in field errors when they are not plain strings or numbers:
 * Go's %#v of a slice or a struct. The messages of real clusters carry these verbatim, e.g.
 * `spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: ...`.
 */

/** %#v of a []string (or a slice of a named string type): `[]string{"a", "b"}`, `[]string(nil)`. */
export function goStringSlice(values: string[] | undefined, type = "string"): string {
  if (!values || values.length === 0) return `[]${type}(nil)`;
  return `[]${type}{${values.map((v) => JSON.stringify(v)).join(", ")}}`;
}

/** %#v of the core.ServicePort{Protocol, Port} key that duplicate-port errors print. */
export function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

/** A FieldError of type Invalid whose value is already rendered the Go way. */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return { type: "FieldValueInvalid", field, body: `Invalid value: ${rendered}: ${detail}` };
}

/** A FieldError of type Duplicate: strings quoted, numbers plain, anything else pre-rendered. */
export function duplicate(field: string, value: string | number, rendered?: string): FieldError {
  const shown = rendered ?? (typeof value === "string" ? JSON.stringify(value) : String(value));
  return { type: "FieldValueDuplicate", field, body: `Duplicate value: ${shown}` };
}
