import { parse } from "yaml";
import {
  badRequest,
  type FieldError,
  forbiddenField,
  invalid,
  invalidValue,
  required,
} from "../../kube/errors.ts";
import { type PatchType, patchTypes } from "../../kube/patch/patch.ts";
import { readBytes } from "./body.ts";

/** The longest field manager name the API server accepts, in bytes. */
const maxFieldManagerBytes = 128;

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * The manager a write is recorded under when it names none (prefixFromUserAgent): the
 * User-Agent up to its first "/", printable characters only, at most 128 bytes. kubectl's
 * "kubectl/v1.32.4 (linux/amd64) …" gives "kubectl".
 */
export function managerFromUserAgent(userAgent: string): string {
  let out = "";
  for (const ch of userAgent.split("/")[0] ?? "") {
    if (!printable.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > maxFieldManagerBytes) break;
    out += ch;
  }
  return out;
}

/** The field manager of any write: the `fieldManager` parameter, else from the User-Agent (managerOrUserAgent). */
export function fieldManagerOf(req: Request, url: URL): string {
  return url.searchParams.get("fieldManager") || managerFromUserAgent(req.headers.get("user-agent") ?? "");
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function validateFieldManager(fieldManager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(fieldManager) > maxFieldManagerBytes)
    errors.push({
      type: "FieldValueTooLong",
      field: "fieldManager",
      body: `Too long: may not be more than ${maxFieldManagerBytes} bytes`,
    });
  let position = 0;
  for (const ch of fieldManager) {
    if (!printable.test(ch)) {
      const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
      errors.push(
        invalidValue("fieldManager", fieldManager, `invalid character U+${code} (at position ${position})`),
      );
    }
    position += Buffer.byteLength(ch);
  }
  return errors;
}

/** What a PATCH's query parameters say about field management. */
export interface PatchFieldOptions {
  fieldManager: string;
  force: boolean;
}

/**
 * The PatchOptions of a PATCH, checked as ValidatePatchOptions does (a 422 on
 * PatchOptions.meta.k8s.io): apply needs a fieldManager, `force` is for apply only. A bool
 * parameter is true unless it is "0" or "false".
 */
export function patchFieldOptions(req: Request, url: URL, type: PatchType): PatchFieldOptions {
  const named = url.searchParams.get("fieldManager") ?? "";
  const forceParam = url.searchParams.get("force");
  const force = forceParam !== null && forceParam !== "0" && forceParam.toLowerCase() !== "false";
  const errors: FieldError[] = [];
  if (type === patchTypes.apply) {
    if (!named) errors.push(required("fieldManager", "is required for apply patch"));
  } else if (forceParam !== null)
    errors.push(forbiddenField("force", "may not be specified for non-apply patch"));
  errors.push(...validateFieldManager(named));
  if (errors.length) throw invalid("meta.k8s.io", "PatchOptions", "", errors);
  return { fieldManager: named || fieldManagerOf(req, url), force };
}

/** The body of an apply patch: YAML (JSON being YAML), within the request size limit. */
export async function readApplyBody(req: Request): Promise<unknown> {
  const bytes = await readBytes(req);
  try {
    return parse(new TextDecoder().decode(bytes), { maxAliasCount: 100 }) ?? null;
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}
