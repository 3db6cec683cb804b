/**
 * The API types with their own UnmarshalJSON (Time, MicroTime, Quantity, IntOrString, RawExtension,
 * FieldsV1): what each accepts and the error each returns. Their errors stop decoding at once.
 */

import { parseGoTime } from "../go/time.ts";
import { parseQuantityExact, QuantityError, quantityRegexMessage } from "../quantity/quantity.ts";
import type { SpecialType } from "./go-model.ts";
import { type JsonNode, nodeToValue } from "./json-node.ts";

/** What a special type made of a JSON value. */
export type SpecialResult =
  /** Decoded; `value` is what the API server writes back (undefined: nothing, as for null). */
  | { ok: true; value: unknown }
  /** encoding/json's type error from inside UnmarshalJSON (the caller adds the field context). */
  | { ok: false; typeError: { value: string; type: string } }
  /** Any other error, reported as is. */
  | { ok: false; message: string };

/** How encoding/json names a JSON value in "cannot unmarshal X": numbers with their text for ints. */
export function describe(node: JsonNode, withNumber: boolean): string {
  if (node.type === "number") return withNumber ? `number ${node.text}` : "number";
  if (node.type === "bool") return "bool";
  return node.type;
}

/** Whether a JSON number literal fits a Go integer of the given bits (strconv.ParseInt's rules). */
export function fitsInt(text: string, bits: 8 | 32 | 64, unsigned = false): boolean {
  if (!/^-?\d+$/.test(text)) return false;
  const n = BigInt(text);
  if (unsigned) return n >= 0n && n < 1n << BigInt(bits);
  const limit = 1n << BigInt(bits - 1);
  return n >= -limit && n < limit;
}

/** Runs a special type's UnmarshalJSON over one JSON value. */
export function decodeSpecial(special: SpecialType, node: JsonNode): SpecialResult {
  if (node.type === "null") return { ok: true, value: undefined };
  switch (special) {
    case "RawExtension":
    case "FieldsV1":
      return { ok: true, value: nodeToValue(node) };
    case "Quantity":
      return quantity(node);
    case "IntOrString":
      if (node.type === "string") return { ok: true, value: node.value };
      if (node.type === "number" && fitsInt(node.text, 32)) return { ok: true, value: Number(node.text) };
      return { ok: false, typeError: { value: describe(node, true), type: "int32" } };
    case "Time":
    case "MicroTime": {
      if (node.type !== "string")
        return { ok: false, typeError: { value: describe(node, false), type: "string" } };
      const parsed = parseGoTime(node.value, special);
      return parsed.ok
        ? { ok: true, value: parsed.value ?? undefined }
        : { ok: false, message: parsed.message };
    }
  }
}

/** resource.Quantity: a string or a bare number, parsed by ParseQuantity; anything else is malformed. */
function quantity(node: JsonNode): SpecialResult {
  const text = node.type === "string" ? node.value : node.type === "number" ? node.text : null;
  if (text === null) return { ok: false, message: quantityRegexMessage };
  try {
    parseQuantityExact(text);
  } catch (err) {
    if (err instanceof QuantityError) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, value: node.type === "string" ? node.value : Number(text) };
}
