import { apiVersionOf, type Kind } from "../kinds/kind.ts";
import { isPlainObject, type KubeObject } from "../object.ts";
import { type DecodeOptions, decodeTyped } from "./decode-typed.ts";

/**
 * Decodes a request body (or a patch result) the way decoding into the Go type would (decode-typed.ts):
 * an object whose apiVersion and kind (when given) name this endpoint's kind, every field of its
 * Go type; unknown fields dropped, or refused or warned about as the fieldValidation directive says.
 */
export function decodeObject(kind: Kind, body: unknown, options: DecodeOptions = {}): KubeObject {
  const obj = decodeTyped(kind, body, options);
  const metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
  return { ...obj, apiVersion: apiVersionOf(kind), kind: kind.kind, metadata } as KubeObject;
}
