import jsonpatch from "fast-json-patch";
import { badRequest, StatusError } from "../errors.ts";
import { clone, isPlainObject, type KubeObject, ownValue, setOwn } from "../object.ts";

/** The PATCH content types the server accepts. */
export const patchTypes = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** One of the patch content types. */
export type PatchType = (typeof patchTypes)[keyof typeof patchTypes];

/** The patch type named by a Content-Type header, or null when it is not one. */
export function patchTypeOf(contentType: string): PatchType | null {
  const base = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return (Object.values(patchTypes) as string[]).includes(base) ? (base as PatchType) : null;
}

/**
 * A JSON patch that does not apply, as the API server answers it (NewGenericServerResponse with
 * 422): its fixed words only. The patch library's own text quotes the whole document — a Secret's
 * decrypted data, for one — and no error may hold a value.
 */
function patchRejected(): StatusError {
  return new StatusError(
    422,
    "Invalid",
    "the server rejected our request due to an error in our request",
    {},
  );
}

/** The most operations a JSON patch may have (the API server's maxJSONPatchOperations). */
export const maxJsonPatchOperations = 10000;

/**
 * Runs a recursive patch walk; a patch or object nested deeper than this process's stack goes is
 * refused (encoding/json stops at 10000 levels, a depth no Kubernetes object has), not a crash.
 */
export function withinPatchDepth<T>(walk: () => T): T {
  try {
    return walk();
  } catch (err) {
    if (err instanceof RangeError) throw badRequest("error decoding patch: exceeded max depth");
    throw err;
  }
}

/** RFC 7386 JSON merge patch: maps merge, null deletes, anything else replaces. */
export function applyMergePatch(current: KubeObject, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw badRequest("the patch must be a JSON object");
  return withinPatchDepth(() => mergePatchValue(clone(current), patch));
}

/**
 * RFC 7386's algorithm, by hand because the libraries mishandle keys JSON allows: json-merge-patch
 * 1.0.2 silently drops the rest of a map after a "__proto__" or "constructor" key, json8's throws.
 */
function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, mergePatchValue(ownValue(out, key), value));
  }
  return out;
}

/** RFC 6902 JSON patch; a failing operation or test is a 422 as the API server answers it. */
export function applyJsonPatch(current: KubeObject, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest("the patch must be a JSON array of operations");
  if (patch.length > maxJsonPatchOperations)
    throw new StatusError(
      413,
      "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${patch.length}`,
    );
  // RFC 6902: a value cannot be moved into itself (the library would make a cycle of it).
  for (const op of patch as { op?: unknown; from?: unknown; path?: unknown }[])
    if (op?.op === "move" && typeof op.from === "string" && typeof op.path === "string")
      if (op.path.startsWith(`${op.from}/`)) throw patchRejected();
  return withinPatchDepth(() => {
    try {
      // The library's validation itself throws (a TypeError) on some patches it cannot follow.
      if (jsonpatch.validate(patch as jsonpatch.Operation[], current)) throw patchRejected();
      return jsonpatch.applyPatch(clone(current), patch as jsonpatch.Operation[], false, false).newDocument;
    } catch (err) {
      if (err instanceof RangeError) throw err;
      throw patchRejected();
    }
  });
}
