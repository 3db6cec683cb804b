import jsonpatch from "fast-json-patch";
import mergePatch from "json-merge-patch";
import { badRequest, StatusError } from "../errors.ts";
import { isPlainObject, type KubeObject } from "../object.ts";

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

function unprocessable(message: string): StatusError {
  return new StatusError(422, "Invalid", message);
}

/** RFC 7386 JSON merge patch: maps merge, null deletes, anything else replaces. */
export function applyMergePatch(current: KubeObject, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw badRequest("the patch must be a JSON object");
  return mergePatch.apply(structuredClone(current), patch);
}

/** RFC 6902 JSON patch; a failing operation or test is a 422 as the API server answers it. */
export function applyJsonPatch(current: KubeObject, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest("the patch must be a JSON array of operations");
  const problem = jsonpatch.validate(patch as jsonpatch.Operation[], current);
  if (problem)
    throw unprocessable(`the server rejected our request due to an error in our request: ${problem.message}`);
  try {
    return jsonpatch.applyPatch(structuredClone(current), patch as jsonpatch.Operation[], false, false)
      .newDocument;
  } catch (err) {
    throw unprocessable(
      `the server rejected our request due to an error in our request: ${(err as Error).message}`,
    );
  }
}
