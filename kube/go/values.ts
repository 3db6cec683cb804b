/**
 * Go's `%#v` of the values field errors quote when they are not plain strings or numbers (slices,
 * maps, structs), so messages read as a real cluster's, e.g.
 * `spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: ...`. Strings inside are quoted as
 * strconv.Quote does.
 */
import { isPlainObject } from "../object.ts";
import { goQuote } from "./format.ts";

/**
 * %#v of a []string (or of a slice of a named string type, `type` "core.IPFamily"): `[]string{"a", "b"}`;
 * `[]string{}` for an empty slice, `[]string(nil)` for none (anything but an array).
 */
export function goStringSlice(values: unknown, type = "string"): string {
  if (!Array.isArray(values)) return `[]${type}(nil)`;
  return `[]${type}{${values.map((v) => goQuote(String(v))).join(", ")}}`;
}

/** %#v of a map[string]string: `map[string]string{"app":"nginx"}`, keys sorted, nil for none. */
export function goStringMap(map: unknown): string {
  if (!isPlainObject(map)) return "map[string]string(nil)";
  const entries = Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${goQuote(k)}:${goQuote(String(v))}`);
  return `map[string]string{${entries.join(", ")}}`;
}

/** %#v of a metav1.LabelSelector, as immutability and empty-selector errors print it. */
export function goLabelSelector(selector: unknown): string {
  const s = isPlainObject(selector) ? selector : {};
  const requirement = (e: unknown) => {
    const r = isPlainObject(e) ? e : {};
    return `v1.LabelSelectorRequirement{Key:${goQuote(String(r.key ?? ""))}, Operator:${goQuote(String(r.operator ?? ""))}, Values:${goStringSlice(r.values)}}`;
  };
  const exprs = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions.map(requirement).join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** %#v of the core.ServicePort{Protocol, Port} key that duplicate-port errors print. */
export function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}
