import { type FieldError, invalidRendered, required } from "../../errors.ts";
import { semanticEqual } from "../../go/semantic-equal.ts";
import { goLabelSelector } from "../../go/values.ts";
import { isPlainObject } from "../../object.ts";
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from "../../selectors/label-selector.ts";
import type { Json } from "../../validation/json.ts";
import { immutableMessage } from "../../validation/messages.ts";
import { templateLabels, validateTemplateForReplicas } from "./spec.ts";

/**
 * The selector rules of apps/v1 ReplicaSets and Deployments: required, well-formed, not empty,
 * selecting the template's labels; then the template itself (ValidatePodTemplateSpecForReplicaSet).
 */
export function validateSelectorAndTemplate(spec: Json): FieldError[] {
  const errors: FieldError[] = [];
  const selector = spec.selector;
  let matches: boolean | null;
  if (!isPlainObject(selector)) {
    errors.push(required("spec.selector"));
    // A missing selector selects nothing, so the template's labels never match it.
    matches = false;
  } else {
    const selectorErrors = validateLabelSelector(selector, "spec.selector");
    errors.push(...selectorErrors);
    if (selectorIsEmpty(selector))
      errors.push(
        invalidRendered(
          "spec.selector",
          goLabelSelector(selector),
          "empty selector is invalid for deployment",
        ),
      );
    if (selectorErrors.length) {
      errors.push(invalidRendered("spec.selector", goLabelSelector(selector), "invalid label selector"));
      return errors;
    }
    matches = selectorIsEmpty(selector) ? null : selectorMatches(selector, templateLabels(spec));
  }
  errors.push(...validateTemplateForReplicas(spec, matches, "ReplicaSet"));
  return errors;
}

/** apps/v1 forbids changing spec.selector: `spec.selector: Invalid value: v1.LabelSelector{…}: field is immutable`. */
export function validateSelectorUnchanged(spec: Json, oldSpec: Json): FieldError[] {
  return semanticEqual(spec.selector, oldSpec.selector)
    ? []
    : [
        invalidRendered(
          "spec.selector",
          isPlainObject(spec.selector) ? goLabelSelector(spec.selector) : "null",
          immutableMessage,
        ),
      ];
}
