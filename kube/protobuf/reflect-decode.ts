import protobuf from "protobufjs";

/**
 * protobufjs's `Type.decode` without its generated code: the same messages read field by field
 * from the reflected types. protobufjs compiles a decoder per type with `new Function`, which
 * workerd (as Cloudflare Workers) refuses; this reads the wire format with its Reader instead,
 * giving what the generated decoder gives: present fields as own properties (int64 as Long
 * where the long package is loaded), absent repeated and map fields empty through the prototype.
 */
type Decoded = Record<string, unknown>;

/** Reader methods by scalar type: every scalar's name is its Reader method's. */
export type Scalar =
  | "double"
  | "float"
  | "int32"
  | "uint32"
  | "sint32"
  | "fixed32"
  | "sfixed32"
  | "int64"
  | "uint64"
  | "sint64"
  | "fixed64"
  | "sfixed64"
  | "bool"
  | "string"
  | "bytes";

/** Scalars that may come packed (every one but string and bytes). */
export const packable = (type: Scalar) => type !== "string" && type !== "bytes";

const prototypes = new WeakMap<protobuf.Type, object>();

/** The prototype of a type's messages: an empty list or map for each repeated or map field. */
function prototypeOf(type: protobuf.Type): object {
  let proto = prototypes.get(type);
  if (!proto) {
    const defaults: Decoded = {};
    for (const field of type.fieldsArray)
      if (field.map) defaults[field.name] = Object.freeze({});
      else if (field.repeated) defaults[field.name] = Object.freeze([]);
    // Not frozen itself: a frozen prototype's properties could not be shadowed by the message's own.
    proto = defaults;
    prototypes.set(type, proto);
  }
  return proto;
}

export function scalarOf(field: protobuf.Field): Scalar {
  field.resolve();
  return field.resolvedType instanceof protobuf.Enum ? "int32" : (field.type as Scalar);
}

function readValue(reader: protobuf.Reader, field: protobuf.Field): unknown {
  if (field.resolvedType instanceof protobuf.Type)
    return decodeMessage(field.resolvedType, reader, reader.uint32());
  return reader[scalarOf(field)]();
}

/** Reads one message of `type` (the next `length` bytes, or to the end). */
export function decodeMessage(
  type: protobuf.Type,
  source: protobuf.Reader | Uint8Array,
  length?: number,
): Decoded {
  const reader = source instanceof protobuf.Reader ? source : protobuf.Reader.create(source);
  const end = length === undefined ? reader.len : reader.pos + length;
  const message = Object.create(prototypeOf(type)) as Decoded;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = type.fieldsById[tag >>> 3];
    if (!field) {
      reader.skipType(tag & 7);
      continue;
    }
    field.resolve();
    const name = field.name;
    if (field.map) {
      if (!Object.hasOwn(message, name)) message[name] = {};
      const entryEnd = reader.uint32() + reader.pos;
      let key: unknown = "";
      let value: unknown = field.resolvedType instanceof protobuf.Type ? null : undefined;
      while (reader.pos < entryEnd) {
        const entryTag = reader.uint32();
        if (entryTag >>> 3 === 1) key = reader[(field as unknown as protobuf.MapField).keyType as Scalar]();
        else if (entryTag >>> 3 === 2) value = readValue(reader, field);
        else reader.skipType(entryTag & 7);
      }
      (message[name] as Decoded)[String(key)] = value;
    } else if (field.repeated) {
      if (!Object.hasOwn(message, name)) message[name] = [];
      const list = message[name] as unknown[];
      const scalar = field.resolvedType instanceof protobuf.Type ? null : scalarOf(field);
      if (scalar && packable(scalar) && (tag & 7) === 2) {
        const packedEnd = reader.uint32() + reader.pos;
        while (reader.pos < packedEnd) list.push(reader[scalar]());
      } else list.push(readValue(reader, field));
    } else message[name] = readValue(reader, field);
  }
  if (reader.pos > end) throw new Error(`index out of range: ${reader.pos} + 0 > ${end}`);
  return message;
}
