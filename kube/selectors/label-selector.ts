import { type FieldError, forbiddenField, invalidValue, required } from "../errors.ts";
import { labelValueProblems, qualifiedNameProblems, validateLabels } from "../meta/labels.ts";
import { isPlainObject } from "../object.ts";
import type { LabelSelector, LabelSelectorRequirement } from "../types/meta-v1.ts";
import { list, record, text } from "../validation/json.ts";

/** One requirement of a metav1.LabelSelector, after matchLabels became `key=value` requirements. */
type Requirement = Required<LabelSelectorRequirement>;

function requirements(selector: LabelSelector): Requirement[] {
  const out: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "Equals",
    values: [value],
  }));
  for (const e of selector.matchExpressions ?? [])
    out.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** ValidateLabelSelector (metav1 validation): matchLabels as labels, each expression's operator, key and values. */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (!isPlainObject(selector)) return [];
  const errors = validateLabels(
    record(selector.matchLabels) as Record<string, string>,
    `${path}.matchLabels`,
  );
  list(selector.matchExpressions).forEach((raw, i) => {
    const e = record(raw);
    const at = `${path}.matchExpressions[${i}]`;
    const values = list(e.values);
    const operator = text(e.operator);
    if (operator === "In" || operator === "NotIn") {
      if (!values.length)
        errors.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === "Exists" || operator === "DoesNotExist") {
      if (values.length)
        errors.push(
          forbiddenField(
            `${at}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else errors.push(invalidValue(`${at}.operator`, operator, "not a valid selector operator"));
    for (const p of qualifiedNameProblems(text(e.key)))
      errors.push(invalidValue(`${at}.key`, text(e.key), p));
    values.forEach((v, j) => {
      for (const p of labelValueProblems(String(v))) errors.push(invalidValue(`${at}.values[${j}]`, v, p));
    });
  });
  return errors;
}

/**
 * Whether a selector has no requirements at all (and so selects everything, or is refused).
 * Validation asks it of any selector, so it reads tolerantly.
 */
export function selectorIsEmpty(selector: unknown): boolean {
  const s = record(selector);
  return Object.keys(record(s.matchLabels)).length + list(s.matchExpressions).length === 0;
}

/** Whether labels satisfy a metav1.LabelSelector. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  return requirements(selector ?? {}).every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key] ?? "";
    switch (r.operator) {
      case "Equals":
      case "In":
        return has && r.values.includes(v);
      case "NotIn":
        return !has || !r.values.includes(v);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}

/** labels.Selector's String() of a metav1.LabelSelector: `app=nginx,tier in (a,b)`; "" when empty. */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  return requirements(selector ?? {})
    .map((r) => {
      const values = [...r.values].sort().join(",");
      switch (r.operator) {
        case "Equals":
          return `${r.key}=${r.values[0] ?? ""}`;
        case "In":
          return `${r.key} in (${values})`;
        case "NotIn":
          return `${r.key} notin (${values})`;
        case "Exists":
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(",");
}

/** metav1.FormatLabelSelector, as `kubectl get rs -o wide` prints it: "<none>" when empty. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  return labelSelectorString(selector) || "<none>";
}

/** labels.FormatLabels of a plain map selector (ReplicationController): sorted `k=v`, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(",") : "<none>";
}
