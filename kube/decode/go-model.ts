/**
 * The Go types the API server decodes request bodies into, as far as their JSON decoding goes:
 * built from the message types of schema.json (the same wire schema the protobuf decoder uses), with
 * go-fields.ts for JSON names and embedded structs and go-types.ts for Go type names.
 */
import protobuf from "protobufjs";
import { apiFolders, loadRoot } from "../protobuf/decode.ts";
import { inlineFields, jsonNames, listMessages, omitEmptyFields } from "../protobuf/go-fields.ts";
import { defaultGoType, goBaseType, goMessageName } from "./go-type-names.ts";
import { goTypeOverrides, pointerFields, typeMetaMessages } from "./go-types.ts";

/** Types whose Go implementation has its own UnmarshalJSON, and so its own rules and messages. */
export type SpecialType = "Time" | "MicroTime" | "Quantity" | "IntOrString" | "RawExtension" | "FieldsV1";

/** Go kinds of scalar fields (reflect.Kind names, as the unstructured converter prints them). */
export type ScalarKind = "string" | "bool" | "int32" | "int64" | "uint8" | "float64";

/** A Go type; `name` is how reflect prints it ("v1.PullPolicy", "[]v1.Container"). */
export type GoType =
  | { kind: ScalarKind; name: string }
  | { kind: "bytes"; name: string }
  | { kind: "slice"; name: string; element: GoType }
  | { kind: "map"; name: string; element: GoType }
  | {
      kind: "struct";
      name: string;
      fields: Map<string, GoField>;
      fieldList: GoField[];
      /** Keeps fields it does not know, unchecked (a kind without a message in schema.json). */
      open?: boolean;
    }
  | { kind: "special"; special: SpecialType; name: string }
  | { kind: "any"; name: string };

/** A struct field as encoding/json sees it, embedded structs' fields flattened into their parent. */
export interface GoField {
  /** The JSON name. */
  json: string;
  type: GoType;
  /** Go pointer: `null` leaves it unset rather than decoding into a zero value. */
  pointer: boolean;
  /** A slice or map tagged omitempty: Go's JSON leaves it out when empty. */
  omitEmpty?: boolean;
  /** Position in the flattened field list (encoding/json tracks duplicates by it). */
  index: number;
}

const specials: Readonly<Record<string, SpecialType>> = {
  "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "Time",
  "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "MicroTime",
  "k8s.io.apimachinery.pkg.api.resource.Quantity": "Quantity",
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
  "k8s.io.apimachinery.pkg.runtime.RawExtension": "RawExtension",
  "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "FieldsV1",
};

const scalarKinds: Readonly<Record<string, ScalarKind>> = {
  string: "string",
  bool: "bool",
  int32: "int32",
  int64: "int64",
  double: "float64",
};

const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
const structs = new Map<string, GoType>();

/** Go's `interface{}`: any JSON value. */
export const anyType: GoType = { kind: "any", name: "interface {}" };

/** The Go type of a proto message (by full name, no leading dot), built once and cached. */
export function messageType(fullName: string): GoType {
  const cached = structs.get(fullName);
  if (cached) return cached;
  const special = specials[fullName];
  if (special) {
    const type: GoType = { kind: "special", special, name: goMessageName(fullName) };
    structs.set(fullName, type);
    return type;
  }
  const message = loadRoot().lookupType(fullName);
  if (listMessages.has(fullName)) {
    const items = message.fields.items as protobuf.Field;
    items.resolve();
    const type: GoType = { kind: "slice", name: goMessageName(fullName), element: elementType(items) };
    structs.set(fullName, type);
    return type;
  }
  const fieldList: GoField[] = [];
  const type: GoType = { kind: "struct", name: goMessageName(fullName), fields: new Map(), fieldList };
  // Cached before its fields are built: messages may refer to themselves (JSON schema props do).
  structs.set(fullName, type);
  if (typeMetaMessages.has(fullName))
    for (const json of ["kind", "apiVersion"])
      fieldList.push({ json, type: { kind: "string", name: "string" }, pointer: false, index: 0 });
  addFields(message, fieldList);
  fieldList.forEach((field, index) => {
    field.index = index;
    type.fields.set(field.json, field);
  });
  return type;
}

/**
 * metadata.managedFields stays as sent, empty or not: the field manager tells an empty list (a
 * reset) from none, as it does on the Go object before encoding, and always writes it itself.
 */
const managedFields = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta.managedFields";

/** The fields of a message, embedded (inline) messages' fields in their place, as Go flattens them. */
function addFields(message: protobuf.Type, out: GoField[]): void {
  const prefix = message.fullName.slice(1);
  for (const field of message.fieldsArray) {
    field.resolve();
    const id = `${prefix}.${field.name}`;
    if (inlineFields.has(id) && field.resolvedType instanceof protobuf.Type) {
      addFields(field.resolvedType, out);
      continue;
    }
    out.push({
      json: jsonNames[id] ?? field.name,
      type: fieldType(field, id),
      pointer: pointerFields.has(id),
      ...(omitEmptyFields.has(id) && id !== managedFields ? { omitEmpty: true } : {}),
      index: 0,
    });
  }
}

function fieldType(field: protobuf.Field, id: string): GoType {
  const names = goTypeOverrides[id] ?? [];
  const fallback = defaultGoType(field);
  const name = names[0] ?? fallback.type;
  if (field.map) return { kind: "map", name, element: elementType(field, names[1]) };
  if (field.repeated) return { kind: "slice", name, element: elementType(field, names[1]) };
  return valueType(field, name);
}

/** The type of one element of a repeated or map field (or of a scalar field). */
function elementType(field: protobuf.Field, name?: string): GoType {
  return valueType(field, name ?? goBaseType(field));
}

function valueType(field: protobuf.Field, name: string): GoType {
  if (field.resolvedType instanceof protobuf.Type) return messageType(field.resolvedType.fullName.slice(1));
  if (field.type === "bytes") return { kind: "bytes", name };
  const kind = scalarKinds[field.type];
  if (!kind) throw new Error(`${field.fullName}: no Go kind for proto type ${field.type}`);
  return { kind, name };
}

/** The message type a kind's objects decode into, or undefined when schema.json does not have it. */
export function kindType(apiVersion: string, kind: string): GoType | undefined {
  const folder = apiFolders[apiVersion];
  if (!folder) return undefined;
  const fullName = `k8s.io.api.${folder.replace("/", ".")}.${kind}`;
  if (!typeMetaMessages.has(fullName)) return undefined;
  return messageType(fullName);
}

/**
 * For a kind schema.json does not have: apiVersion, kind and an ObjectMeta, everything else kept as
 * sent, so that at least the metadata the generic store reads is well-typed.
 */
export function openKindType(kind: string): GoType {
  const fieldList: GoField[] = [
    { json: "kind", type: { kind: "string", name: "string" }, pointer: false, index: 0 },
    { json: "apiVersion", type: { kind: "string", name: "string" }, pointer: false, index: 1 },
    { json: "metadata", type: messageType(`${meta}.ObjectMeta`), pointer: false, index: 2 },
  ];
  const fields = new Map(fieldList.map((f) => [f.json, f]));
  return { kind: "struct", name: `unknown.${kind}`, fields, fieldList, open: true };
}

/** The JSON of a Go zero value, for a null list item or map value. */
export function zeroValue(type: GoType): unknown {
  switch (type.kind) {
    case "struct":
      return {};
    case "string":
      return "";
    case "bool":
      return false;
    case "int32":
    case "int64":
    case "uint8":
    case "float64":
      return 0;
    case "special":
      return type.special === "Quantity" ? "0" : type.special === "IntOrString" ? 0 : null;
    default:
      return null;
  }
}
