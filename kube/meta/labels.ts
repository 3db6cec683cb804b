import { type FieldError, invalidValue } from "../errors.ts";
import { dns1123SubdomainProblems, regexError } from "./names.ts";

const qualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedName = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValue = new RegExp(`^${labelValueFmt}$`);

/** Problems with a qualified name (label and annotation keys): optional DNS prefix, '/', name ≤ 63. */
export function qualifiedNameProblems(value: string): string[] {
  const problems: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) name = parts[0] ?? "";
  else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (!prefix) problems.push("prefix part must be non-empty");
    else problems.push(...dns1123SubdomainProblems(prefix).map((p) => `prefix part ${p}`));
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name) problems.push("name part must be non-empty");
  else if (name.length > 63) problems.push("name part must be no more than 63 characters");
  if (!qualifiedName.test(name))
    problems.push(
      `name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, "MyName", "my.name", "123-abc")}`,
    );
  return problems;
}

/** Problems with a label value: empty, or ≤ 63 characters of [A-Za-z0-9-_.] with alphanumeric ends. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push("must be no more than 63 characters");
  if (!labelValue.test(value))
    problems.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFmt,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  return problems;
}

/** ValidateLabels: every key a qualified name, every value a label value; errors at `field`. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const p of qualifiedNameProblems(k)) errors.push(invalidValue(field, k, p));
    for (const p of labelValueProblems(v)) errors.push(invalidValue(field, v, p));
  }
  return errors;
}

/** The API server's limit on all annotations of one object together. */
export const totalAnnotationSizeLimit = 256 * 1024;

/** ValidateAnnotations: keys are qualified names (any case); keys and values together ≤ 256 KiB. */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const p of qualifiedNameProblems(k.toLowerCase())) errors.push(invalidValue(field, k, p));
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (total > totalAnnotationSizeLimit)
    errors.push({
      type: "FieldValueTooLong",
      field,
      body: `Too long: may not be more than ${totalAnnotationSizeLimit} bytes`,
    });
  return errors;
}
