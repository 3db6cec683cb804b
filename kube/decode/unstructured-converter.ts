/**
 * The messages of runtime.DefaultUnstructuredConverter (how the API server turns the result of a
 * strategic merge patch into its Go type) for a value of the wrong kind.
 */
import type { GoType } from "./go-model.ts";
import type { JsonNode } from "./json-node.ts";

/** runtime.DefaultUnstructuredConverter's message for a value it cannot put into a Go type. */
export function converterMessage(node: JsonNode, type: GoType): string {
  const source = sourceKind(node);
  if (source === "int64" && type.kind === "string") return `cannot convert int64 to ${type.name}`;
  if (type.kind === "struct") return `cannot restore struct from: ${source}`;
  if (type.kind === "map") return `cannot restore map from ${source}`;
  if (type.kind === "slice" || type.kind === "bytes") return `cannot restore slice from ${source}`;
  return `unrecognized type: ${type.kind}`;
}

/** The Go kind a value decoded into interface{} has (integers as int64, as the API server keeps them). */
function sourceKind(node: JsonNode): string {
  if (node.type === "object") return "map";
  if (node.type === "array") return "slice";
  if (node.type === "number") return Number.isInteger(Number(node.text)) ? "int64" : "float64";
  return node.type;
}
