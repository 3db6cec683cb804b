import { badRequest } from "../../kube/errors.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { ObjectKey } from "../../kube/object-store.ts";

/** An object row as reads select it: its resourceVersion column and its stored body. */
export type Row = { resource_version: string | number; body: KubeObject };

/**
 * An object as served: the stored body with its resourceVersion filled in, and its top-level
 * fields back in the API's order (jsonb keeps keys sorted its own way).
 */
export function served(row: Row): KubeObject {
  const { apiVersion, kind, metadata, spec, status, ...rest } = row.body;
  return {
    apiVersion,
    kind,
    metadata: { ...metadata, resourceVersion: String(row.resource_version) },
    ...(spec === undefined ? {} : { spec }),
    ...(status === undefined ? {} : { status }),
    ...rest,
  };
}

/** The stored form: the object less its resourceVersion, which the row's column carries. */
export function storable(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** An object key as one string. */
export const objectId = (k: ObjectKey) => `${k.resource}/${k.namespace}/${k.name}`;

/** A JSON escape of NUL that is not itself an escaped backslash followed by "u0000". */
const escapedNul = /(?<!\\)(?:\\\\)*\\u0000/;
/**
 * A JSON escape of a surrogate (after an even run of backslashes, kept as $1): JSON.stringify
 * escapes only lone ones, writing a pair as its character.
 */
const loneSurrogate = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * The JSON of an object to store, checked: Postgres's jsonb holds no NUL character (U+0000) in a
 * string, so an object with one (in an annotation, say) is refused as bad input, not failed on
 * in the database; and a lone UTF-16 surrogate, which jsonb refuses too, becomes U+FFFD, as Go's
 * JSON decoder replaces it. JSON.stringify writes both as escapes (`\u0000`, `\udc00`).
 */
export function storableJson(json: string): string {
  if (json.includes("\\u0000") && escapedNul.test(json))
    throw badRequest("a string in the object holds the character U+0000 (NUL), which cannot be stored");
  return json.includes("\\ud") ? json.replace(loneSurrogate, "$1\\ufffd") : json;
}
