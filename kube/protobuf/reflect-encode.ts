import protobuf from "protobufjs";
import { packable, type Scalar, scalarOf } from "./reflect-decode.ts";

/**
 * protobufjs's `Type.encode(Type.fromObject(object))` without its generated code (which workerd
 * refuses, as reflect-decode.ts says): a plain object written field by field from the reflected
 * type, with the same bytes. As fromObject, a field whose value is null or absent is left out
 * and a scalar is converted to its type (String, Number, Boolean; bytes from base64); as the
 * encoder, fields in number order, empty lists left out, packable lists packed.
 */
export function encodeMessage(type: protobuf.Type, object: Record<string, unknown>): Uint8Array {
  // The plain Writer: the Buffer one writes strings with Node's undocumented Buffer#utf8Write,
  // which workerd's Buffer (nodejs_compat) answers with a RangeError (length out of range).
  return writeMessage(type, object, new protobuf.Writer()).finish();
}

function writeMessage(type: protobuf.Type, object: Record<string, unknown>, writer: protobuf.Writer) {
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    const value = object[field.name];
    if (value === null || value === undefined) continue;
    field.resolve();
    if (field.map) throw new Error(`${field.fullName}: map fields are not encoded here`);
    if (field.repeated) {
      if (!Array.isArray(value)) throw new TypeError(`${field.fullName}: array expected`);
      if (!value.length) continue;
      const scalar = field.resolvedType instanceof protobuf.Type ? null : scalarOf(field);
      if (scalar && packable(scalar) && field.packed) {
        writer.uint32(((field.id << 3) | 2) >>> 0).fork();
        for (const item of value) writeScalar(writer, scalar, item);
        writer.ldelim();
      } else for (const item of value) writeField(writer, field, item);
    } else writeField(writer, field, value);
  }
  return writer;
}

function writeField(writer: protobuf.Writer, field: protobuf.Field, value: unknown): void {
  if (field.resolvedType instanceof protobuf.Type) {
    if (typeof value !== "object" || value === null)
      throw new TypeError(`${field.fullName}: object expected`);
    writer.uint32(((field.id << 3) | 2) >>> 0).fork();
    writeMessage(field.resolvedType, value as Record<string, unknown>, writer);
    writer.ldelim();
    return;
  }
  const scalar = scalarOf(field);
  writer.uint32(((field.id << 3) | (protobuf.types.basic[scalar] as number)) >>> 0);
  writeScalar(writer, scalar, value);
}

function writeScalar(writer: protobuf.Writer, scalar: Scalar, value: unknown): void {
  switch (scalar) {
    case "string":
      writer.string(String(value));
      return;
    case "bool":
      writer.bool(Boolean(value));
      return;
    case "double":
    case "float":
      writer[scalar](Number(value));
      return;
    case "bytes":
      writer.bytes(typeof value === "string" ? base64Bytes(value) : (value as Uint8Array));
      return;
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      writer[scalar](typeof value === "string" ? Number.parseInt(value, 10) : (value as number));
      return;
    default:
      // The 32-bit integers, and enums by number: fromObject takes them as `value | 0` (`>>> 0` unsigned).
      writer[scalar](scalar === "uint32" || scalar === "fixed32" ? Number(value) >>> 0 : Number(value) | 0);
  }
}

function base64Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(protobuf.util.base64.length(text));
  protobuf.util.base64.decode(text, bytes, 0);
  return bytes;
}
