import type protobuf from "protobufjs";

/** The Go type a proto scalar decodes into, as reflect prints it. */
const scalarTypes: Readonly<Record<string, string>> = {
  string: "string",
  bool: "bool",
  int32: "int32",
  int64: "int64",
  bytes: "[]uint8",
  double: "float64",
  float: "float32",
};

/** "k8s.io.api.core.v1.Container" → "v1.Container": Go names a type by its package's last element. */
export function goMessageName(fullName: string): string {
  const parts = fullName.replace(/^\./, "").split(".");
  return `${parts.at(-2)}.${parts.at(-1)}`;
}

/**
 * The Go type of a field as the proto type alone tells it, and of its elements for a repeated or
 * map field; go-types.ts lists where the real Go type differs (named types such as v1.PullPolicy).
 */
export function defaultGoType(field: protobuf.Field): { type: string; element?: string } {
  const base = goBaseType(field);
  if (field.map) return { type: `map[string]${base}`, element: base };
  if (field.repeated) return { type: `[]${base}`, element: base };
  return { type: base };
}

/** The Go type of one value of a field (one element, for a repeated or map field). */
export function goBaseType(field: protobuf.Field): string {
  const base = field.resolvedType ? goMessageName(field.resolvedType.fullName) : scalarTypes[field.type];
  if (base === undefined) throw new Error(`${field.fullName}: proto type ${field.type} has no Go type`);
  return base;
}
