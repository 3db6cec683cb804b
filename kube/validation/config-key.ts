import { regexError } from "../meta/names.ts";

const configKeyFormat = "[-._a-zA-Z0-9]+";
const configKey = new RegExp(`^${configKeyFormat}$`);

/**
 * IsConfigMapKey: the problems with a ConfigMap or Secret data key (at most 253 characters of
 * [-._a-zA-Z0-9], and not ".", ".." or "..x", which would climb out of a mounted volume).
 */
export function configKeyProblems(key: string): string[] {
  const problems: string[] = [];
  if (key.length > 253) problems.push("must be no more than 253 characters");
  if (!configKey.test(key))
    problems.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        configKeyFormat,
        "key.name",
        "KEY_NAME",
        "key-name",
      ),
    );
  if (key === ".") problems.push("must not be '.'");
  else if (key === "..") problems.push("must not be '..'");
  else if (key.startsWith("..")) problems.push("must not start with '..'");
  return problems;
}
