/**
 * Decodes a JSON value into an API type the way the API server does, without Go: walks it against
 * the Go type (go-model.ts) and answers what the decoder would. Two decoders exist there:
 * - "json": sigs.k8s.io/json (encoding/json, case-sensitive, with strict checks), for request bodies
 *   and the result of JSON and merge patches. A type error is remembered and decoding goes on (the
 *   first one is reported); an UnmarshalJSON error (time, quantity, int-or-string) stops it at once.
 *   Unknown and duplicate fields are strict errors, reported only when nothing else failed.
 * - "unstructured": runtime.DefaultUnstructuredConverter, for the result of a strategic merge patch:
 *   its own messages ("unrecognized type: int32"), the first error stops it, and unknown fields come
 *   back sorted.
 * Either way the result holds the object as the API server would keep it: unknown fields dropped,
 * `null` fields unset, times in UTC.
 */

import { base64Message, decodeBase64 } from "../go/base64.ts";
import { goQuote } from "../go/format.ts";
import { isPlainObject, setOwn } from "../object.ts";
import { decodeSpecial, describe, fitsInt } from "./custom-unmarshalers.ts";
import { anyType, type GoType, zeroValue } from "./go-model.ts";
import { type JsonNode, nodeToValue } from "./json-node.ts";
import { converterMessage } from "./unstructured-converter.ts";

/** Which of the API server's decoders to follow. */
export type Dialect = "json" | "unstructured";

/** What decoding found: the decoded value, the error that failed it, and the strict errors. */
export interface TypecheckResult {
  value: unknown;
  /** The decoder's error, as its Error() reads ("json: cannot unmarshal ..."). */
  error?: string;
  /** Unknown and duplicate fields: `unknown field "spec.foo"`, in the decoder's order. */
  strict: string[];
}

/** An error that ends decoding at once. */
class Stop {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

const unset = Symbol("unset");
/** The most strict errors sigs.k8s.io/json collects. */
const maxStrictErrors = 100;
const shortName = (type: GoType) => type.name.slice(type.name.lastIndexOf(".") + 1);

/** Decodes a JSON value into a Go type as the chosen decoder would. */
export function typecheck(node: JsonNode, type: GoType, dialect: Dialect): TypecheckResult {
  const decoder = new Decoder(dialect);
  const root: JsonNode = node.type === "null" ? { type: "object", entries: [] } : node;
  try {
    const value = decoder.value(root, type, undefined);
    const strict = dialect === "unstructured" ? [...decoder.strict].sort() : decoder.strict;
    const result = { value: value === unset ? {} : value, strict };
    return decoder.saved === undefined ? result : { ...result, error: decoder.saved };
  } catch (err) {
    if (err instanceof Stop) return { value: undefined, error: err.message, strict: [] };
    throw err;
  }
}

class Decoder {
  saved: string | undefined;
  readonly strict: string[] = [];
  private readonly seenStrict = new Set<string>();
  /** encoding/json's error context: the struct being decoded and the JSON field names down to here. */
  private struct = "";
  private readonly fields: string[] = [];
  /** The strict error path: keys joined with ".", indexes as "[i]". */
  private readonly path: string[] = [];

  private readonly dialect: Dialect;

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  value(node: JsonNode, type: GoType, into: unknown): unknown {
    if (type.kind === "special") return this.special(node, type);
    if (type.kind === "any") return this.any(node);
    switch (node.type) {
      case "null":
        return unset;
      case "object":
        if (type.kind === "struct") return this.object(node, type, into);
        if (type.kind === "map") return this.map(node, type, into);
        return this.mismatch(node, type);
      case "array":
        if (type.kind === "slice") return this.slice(node, type.element, into);
        if (type.kind === "bytes") return this.byteArray(node);
        return this.mismatch(node, type);
      case "string":
        if (type.kind === "string") return node.value;
        if (type.kind === "bytes") return this.base64(node.value);
        return this.mismatch(node, type);
      case "bool":
        return type.kind === "bool" ? node.value : this.mismatch(node, type);
      case "number":
        return this.number(node, type);
    }
  }

  private number(node: { type: "number"; text: string }, type: GoType): unknown {
    if (type.kind === "float64") return Number(node.text);
    const bits = type.kind === "int32" ? 32 : type.kind === "int64" ? 64 : type.kind === "uint8" ? 8 : 0;
    if (!bits) return this.mismatch(node, type);
    if (this.dialect === "unstructured") {
      // The converter converts any whole number, truncating it to the field's size.
      if (Number.isInteger(Number(node.text))) return Number(node.text);
      return this.fail(`cannot convert float64 to ${type.name}`);
    }
    if (!fitsInt(node.text, bits, type.kind === "uint8")) return this.mismatch(node, type);
    return Number(node.text);
  }

  private object(
    node: Extract<JsonNode, { type: "object" }>,
    type: Extract<GoType, { kind: "struct" }>,
    into: unknown,
  ) {
    const out: Record<string, unknown> = isPlainObject(into) ? into : {};
    const seen = new Set<number>();
    const [struct, depth, pathDepth] = [this.struct, this.fields.length, this.path.length];
    const entries = this.dialect === "json" ? node.entries : this.inStructOrder(node, type);
    for (const [key, child] of entries) {
      const field = type.fields.get(key);
      if (!field && type.open) setOwn(out, key, nodeToValue(child));
      if (!field) {
        if (!type.open) this.strictError("unknown field", key);
        continue;
      }
      if (seen.has(field.index)) this.strictError("duplicate field", field.json);
      seen.add(field.index);
      this.struct = shortName(type);
      this.fields.push(field.json);
      this.pushKey(field.json);
      const value = this.value(child, field.type, out[field.json]);
      // A null (or badly typed) scalar leaves the field as it was; anything else null is unset.
      const scalar =
        !field.pointer && ["string", "bool", "int32", "int64", "float64"].includes(field.type.kind);
      if (value !== unset) out[field.json] = value;
      else if (!scalar || child.type !== "null") delete out[field.json];
      [this.struct, this.fields.length, this.path.length] = [struct, depth, pathDepth];
    }
    // What the API server answers is Go's encoding of the decoded object: an empty slice or map
    // tagged omitempty is not in it (`annotations: {}`, `volumes: []`).
    for (const index of seen) {
      const field = type.fieldList[index];
      if (field?.omitEmpty && isEmptyCollection(out[field.json])) delete out[field.json];
    }
    return out;
  }

  /** The converter walks a struct's fields in Go order, then reports the keys it did not use. */
  private inStructOrder(
    node: Extract<JsonNode, { type: "object" }>,
    type: Extract<GoType, { kind: "struct" }>,
  ) {
    const byKey = new Map(node.entries);
    const ordered = type.fieldList.flatMap((f): [string, JsonNode][] => {
      const child = byKey.get(f.json);
      return child ? [[f.json, child]] : [];
    });
    return [...ordered, ...node.entries.filter(([key]) => !type.fields.has(key))];
  }

  private map(
    node: Extract<JsonNode, { type: "object" }>,
    type: Extract<GoType, { kind: "map" }>,
    into: unknown,
  ) {
    const out: Record<string, unknown> = isPlainObject(into) ? into : {};
    const seen = new Set<string>();
    const pathDepth = this.path.length;
    for (const [key, child] of node.entries) {
      if (seen.has(key)) this.strictError("duplicate field", key);
      seen.add(key);
      // The converter's unknown-field paths leave map keys out; sigs.k8s.io/json's keep them.
      if (this.dialect === "json") this.pushKey(key);
      const value = this.value(child, type.element, undefined);
      setOwn(out, key, value === unset ? zeroValue(type.element) : value);
      this.path.length = pathDepth;
    }
    return out;
  }

  private slice(node: Extract<JsonNode, { type: "array" }>, element: GoType, into: unknown): unknown[] {
    const pathDepth = this.path.length;
    // A repeated field decodes into the elements a duplicate key left, as encoding/json does.
    const previous = Array.isArray(into) ? into : [];
    return node.items.map((child, i) => {
      this.path.push(`[${i}]`);
      const value = this.value(child, element, previous[i]);
      this.path.length = pathDepth;
      return value === unset ? zeroValue(element) : value;
    });
  }

  private byteArray(node: Extract<JsonNode, { type: "array" }>): unknown {
    const bytes = node.items.map((item) => this.value(item, { kind: "uint8", name: "uint8" }, undefined));
    return Buffer.from(bytes.map((b) => (typeof b === "number" ? b : 0))).toString("base64");
  }

  private base64(text: string): unknown {
    const decoded = decodeBase64(text);
    if (decoded.ok) return text;
    if (this.dialect === "unstructured")
      return this.fail(`error decoding from json: ${base64Message(decoded.offset)}`);
    this.saved ??= base64Message(decoded.offset);
    return unset;
  }

  private special(node: JsonNode, type: Extract<GoType, { kind: "special" }>): unknown {
    const result = decodeSpecial(type.special, node);
    if (result.ok) return result.value === undefined ? unset : result.value;
    if ("message" in result) throw new Stop(result.message);
    // UnmarshalJSON's own type error; encoding/json adds the field it was decoding.
    const { value, type: goType } = result.typeError;
    throw new Stop(
      this.dialect === "json"
        ? this.typeError(value, goType)
        : `json: cannot unmarshal ${value} into Go value of type ${goType}`,
    );
  }

  /** interface{}: any value; sigs.k8s.io/json still finds duplicate keys inside it. */
  private any(node: JsonNode): unknown {
    if (node.type === "array") return this.slice(node, anyType, undefined);
    if (node.type !== "object") return nodeToValue(node);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    const pathDepth = this.path.length;
    for (const [key, child] of node.entries) {
      if (seen.has(key)) this.strictError("duplicate field", key);
      seen.add(key);
      this.pushKey(key);
      setOwn(out, key, this.any(child));
      this.path.length = pathDepth;
    }
    return out;
  }

  /** A JSON value of the wrong kind for its Go type. */
  private mismatch(node: JsonNode, type: GoType): typeof unset {
    if (this.dialect === "unstructured") return this.fail(converterMessage(node, type));
    const ints = ["int32", "int64", "uint8"].includes(type.kind);
    this.saved ??= this.typeError(describe(node, ints), type.name);
    return unset;
  }

  private typeError(value: string, type: string): string {
    const where = this.fields.length ? `Go struct field ${this.struct}.${this.fields.join(".")}` : "Go value";
    return `json: cannot unmarshal ${value} into ${where} of type ${type}`;
  }

  private fail(message: string): never {
    throw new Stop(message);
  }

  private pushKey(key: string): void {
    this.path.push(this.path.length ? `.${key}` : key);
  }

  private strictError(kind: "unknown field" | "duplicate field", key: string): void {
    const path = this.path.length ? `${this.path.join("")}.${key}` : key;
    // sigs.k8s.io/json quotes the path (strconv.Quote); the converter prints it as is.
    const message = `${kind} ${this.dialect === "json" ? goQuote(path) : `"${path}"`}`;
    if (this.strict.length >= maxStrictErrors || this.seenStrict.has(message)) return;
    this.seenStrict.add(message);
    this.strict.push(message);
  }
}

/** An empty array or object: what omitempty leaves out of Go's JSON for a slice or map. */
function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}
