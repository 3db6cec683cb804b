import { type FieldError, invalidValue } from "../errors.ts";

const dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123Label = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123Subdomain = new RegExp(`^${dns1123SubdomainFmt}$`);

/** Go's validation.RegexError: the message, examples, then the regex. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}

/** Problems with a DNS-1123 label (namespace names, max 63), worded as apimachinery words them. */
export function dns1123LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push("must be no more than 63 characters");
  if (!dns1123Label.test(value)) {
    if (dns1123Subdomain.test(value)) problems.push("must not contain dots");
    else
      problems.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123LabelFmt,
          "my-name",
          "123-abc",
        ),
      );
  }
  return problems;
}

/** Problems with a DNS-1123 subdomain (most object names, max 253). */
export function dns1123SubdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 253) problems.push("must be no more than 253 characters");
  if (!dns1123Subdomain.test(value))
    problems.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFmt,
        "example.com",
      ),
    );
  return problems;
}

const dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
const dns1035Label = new RegExp(`^${dns1035LabelFmt}$`);

/** Problems with a DNS-1035 label (service names, max 63): must start with a letter. */
export function dns1035LabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push("must be no more than 63 characters");
  if (!dns1035Label.test(value))
    problems.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        "my-name",
        "abc-123",
      ),
    );
  return problems;
}

/** How a kind's names are checked. */
export type NameRule = "dns1123Label" | "dns1123Subdomain" | "dns1035Label";

const nameProblems: Record<NameRule, (value: string) => string[]> = {
  dns1123Label: dns1123LabelProblems,
  dns1123Subdomain: dns1123SubdomainProblems,
  dns1035Label: dns1035LabelProblems,
};

/**
 * Validates an object name as ValidateObjectMeta does: the path segment rules first (names are
 * URL segments), then the kind's DNS rule. Returns one field error per problem.
 */
export function validateName(name: string, rule: NameRule, field = "metadata.name"): FieldError[] {
  for (const bad of [".", ".."]) if (name === bad) return [invalidValue(field, name, `may not be '${bad}'`)];
  for (const bad of ["/", "%"])
    if (name.includes(bad)) return [invalidValue(field, name, `may not contain '${bad}'`)];
  const problems = nameProblems[rule](name);
  return problems.map((p) => invalidValue(field, name, p));
}
