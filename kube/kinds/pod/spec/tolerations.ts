import { type FieldError, forbiddenField, invalidValue, notSupported } from "../../../errors.ts";
import { labelValueProblems, qualifiedNameProblems } from "../../../meta/labels.ts";
import { records, text } from "../../../validation/json.ts";

const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** ValidateTolerations: keys, operators, values and effects, as the API server checks them. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  records(tolerations).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = text(t.key);
    const operator = text(t.operator);
    const value = text(t.value);
    const effect = text(t.effect);
    if (key) for (const p of qualifiedNameProblems(key)) errors.push(invalidValue(`${at}.key`, key, p));
    if (!key && operator !== "Exists")
      errors.push(
        invalidValue(
          `${at}.operator`,
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute")
      errors.push(
        invalidValue(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    if (operator === "Equal" || operator === "") {
      const problems = labelValueProblems(value);
      if (problems.length) errors.push(invalidValue(`${at}.operator`, value, problems.join(";")));
    } else if (operator === "Exists") {
      if (value)
        errors.push(invalidValue(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else errors.push(notSupported(`${at}.operator`, operator, ["Equal", "Exists"]));
    if (effect && !effects.includes(effect)) errors.push(notSupported(`${at}.effect`, effect, effects));
  });
  return errors;
}

/** validateOnlyAddedTolerations: an update may add tolerations and change tolerationSeconds, nothing else. */
export function validateOnlyAddedTolerations(next: unknown, old: unknown, path: string): FieldError[] {
  const comparable = (t: Record<string, unknown>) =>
    JSON.stringify([text(t.key), text(t.operator), text(t.value), text(t.effect)]);
  const added = new Set(records(next).map(comparable));
  for (const t of records(old))
    if (!added.has(comparable(t)))
      return [forbiddenField(path, "existing toleration can not be modified except its tolerationSeconds")];
  return validateTolerations(next, path);
}
