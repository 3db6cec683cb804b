import { type FieldError, invalidValue } from "../../../errors.ts";

/**
 * File-path and key rules shared by volume items, mounts and env sources: the words of
 * pkg/apis/core/validation and apimachinery's IsConfigMapKey.
 */

/** validateLocalDescendingPath: relative, and no `..` element. */
export function validateLocalDescendingPath(path: string, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (path.startsWith("/")) errors.push(invalidValue(field, path, "must be a relative path"));
  if (path.split("/").includes("..")) errors.push(invalidValue(field, path, "must not contain '..'"));
  return errors;
}

/** ValidateLocalNonReservedPath: a descending path that does not start with `..` either. */
export function validateLocalNonReservedPath(path: string, field: string): FieldError[] {
  const errors = validateLocalDescendingPath(path, field);
  if (path.startsWith("..") && !path.startsWith("../"))
    errors.push(invalidValue(field, path, "must not start with '..'"));
  return errors;
}

/** validatePathNoBacksteps: no `..` element (hostPath paths may be absolute). */
export function validatePathNoBacksteps(path: string, field: string): FieldError[] {
  return path.split("/").includes("..") ? [invalidValue(field, path, "must not contain '..'")] : [];
}

/** The message for a file mode outside 0–0777. */
export const fileModeMessage = "must be a number between 0 and 0777 (octal), both inclusive";

/** Whether a mode is set and outside 0–0777. */
export function badFileMode(mode: unknown): mode is number {
  return typeof mode === "number" && (mode > 0o777 || mode < 0);
}
