import type { FieldValidation } from "../../kube/decode/decode-typed.ts";
import { invalid, notSupported } from "../../kube/errors.ts";

const directives: readonly string[] = ["Ignore", "Strict", "Warn"];

/**
 * The decoding options of a write from its query: the fieldValidation directive (absent or empty
 * means Warn) and a list to collect warnings in. An unknown directive is refused as the API server
 * refuses it: 422 on the request's options kind (CreateOptions, UpdateOptions, PatchOptions).
 */
export function writeDecodeOptions(
  url: URL,
  optionsKind: "CreateOptions" | "UpdateOptions" | "PatchOptions",
): { fieldValidation: FieldValidation; warnings: string[] } {
  const given = url.searchParams.get("fieldValidation") ?? "";
  if (given !== "" && !directives.includes(given))
    throw invalid("meta.k8s.io", optionsKind, "", [
      notSupported("fieldValidation", given, ["", ...directives]),
    ]);
  return { fieldValidation: (given || "Warn") as FieldValidation, warnings: [] };
}

/**
 * Adds each warning as a `Warning: 299 - "text"` header, once per text, as the API server's warning
 * recorder does (kubectl prints them as `Warning: text`). Texts with control characters are dropped,
 * as Go's NewWarningHeader refuses them; UTF-8 goes out as raw bytes.
 */
export function withWarnings(res: Response, warnings: readonly string[]): Response {
  for (const text of new Set(warnings)) {
    if (!text || /\p{Cc}/u.test(text)) continue;
    const quoted = `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    res.headers.append("Warning", Buffer.from(`299 - ${quoted}`, "utf8").toString("latin1"));
  }
  return res;
}
