import { type FieldError, forbiddenField, invalidValue, required } from "../../errors.ts";
import { semanticEqual } from "../../go/semantic-equal.ts";
import { clone, isPlainObject } from "../../object.ts";
import { type Json, record, records, text } from "../../validation/json.ts";
import { inclusiveRange } from "../../validation/messages.ts";
import { validateOnlyAddedTolerations } from "./spec/tolerations.ts";

const updatableFields = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];
const maxInt32 = 2147483647;

/** The differing leaves of two specs, one `-`/`+` pair per path, in the spirit of cmp.Diff. */
function specDiff(old: unknown, next: unknown, path = ""): string[] {
  if (semanticEqual(old, next)) return [];
  if (isPlainObject(old) && isPlainObject(next)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])];
    return keys.flatMap((k) => specDiff(old[k], next[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(old) && Array.isArray(next) && old.length === next.length)
    return old.flatMap((x, i) => specDiff(x, next[i], `${path}[${i}]`));
  const lines: string[] = [];
  if (old !== undefined) lines.push(`- \t${path}: ${JSON.stringify(old)},`);
  if (next !== undefined) lines.push(`+ \t${path}: ${JSON.stringify(next)},`);
  return lines;
}

/** ValidateContainerUpdates: the same number of containers, each with an image. */
function validateContainerUpdates(
  next: unknown,
  old: unknown,
  path: string,
): { errors: FieldError[]; stop: boolean } {
  const n = records(next);
  if (n.length !== records(old).length)
    return { errors: [forbiddenField(path, "pod updates may not add or remove containers")], stop: true };
  const errors: FieldError[] = [];
  n.forEach((c, i) => {
    const image = text(c.image);
    if (!image) errors.push(required(`${path}[${i}].image`));
    if (image !== image.trim())
      errors.push(invalidValue(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
  });
  return { errors, stop: false };
}

/**
 * ValidatePodUpdate's spec part: only images, activeDeadlineSeconds (set or lowered), added
 * tolerations and a negative grace period raised to 1 may change; anything else is refused with
 * the API server's message and a diff.
 */
export function validatePodSpecUpdate(nextSpec: unknown, oldSpec: unknown): FieldError[] {
  const next = record(nextSpec);
  const old = record(oldSpec);
  const errors: FieldError[] = [];
  for (const key of ["containers", "initContainers"]) {
    const result = validateContainerUpdates(next[key], old[key], `spec.${key}`);
    errors.push(...result.errors);
    if (result.stop) return errors;
  }
  const deadline = next.activeDeadlineSeconds;
  if (typeof deadline === "number") {
    if (deadline < 0 || deadline > maxInt32)
      return [...errors, invalidValue("spec.activeDeadlineSeconds", deadline, inclusiveRange(0, maxInt32))];
    if (typeof old.activeDeadlineSeconds === "number" && old.activeDeadlineSeconds < deadline)
      return [
        ...errors,
        invalidValue("spec.activeDeadlineSeconds", deadline, "must be less than or equal to previous value"),
      ];
  } else if (typeof old.activeDeadlineSeconds === "number")
    errors.push(
      invalidValue(
        "spec.activeDeadlineSeconds",
        null,
        "must not update from a positive integer to nil value",
      ),
    );
  errors.push(...validateOnlyAddedTolerations(next.tolerations, old.tolerations, "spec.tolerations"));
  const oldGates = new Set(records(old.schedulingGates).map((g) => text(g.name)));
  records(next.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(text(g.name)))
      errors.push(
        forbiddenField(
          `spec.schedulingGates[${i}].name`,
          `only deletion is allowed, but found new scheduling gate '${text(g.name)}'`,
        ),
      );
  });
  if (semanticEqual(next, old)) return errors;
  const munged: Json = clone(next);
  for (const key of ["containers", "initContainers"]) {
    const oldList = records(old[key]);
    if (Array.isArray(munged[key]))
      munged[key] = records(munged[key]).map((c, i) => ({ ...c, image: oldList[i]?.image }));
  }
  for (const key of ["activeDeadlineSeconds", "schedulingGates", "tolerations"]) {
    if (old[key] === undefined) delete munged[key];
    else munged[key] = old[key];
  }
  const oldGrace = old.terminationGracePeriodSeconds;
  if (typeof oldGrace === "number" && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, old)) {
    const diff = ["  core.PodSpec{", ...specDiff(old, munged), "  }"].join("\n");
    errors.push(
      forbiddenField(
        "spec",
        `pod updates may not change fields other than ${updatableFields.join(",")}\n${diff}`,
      ),
    );
  }
  return errors;
}
