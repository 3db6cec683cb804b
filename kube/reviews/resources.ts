import { age } from "../go/human-duration.ts";
import { defineKind, type Kind } from "../kinds/kind.ts";
import { ageColumn, nameColumn } from "../printing/table.ts";

/** A create-only kind: its request is decoded like any object's, its answer printed by name and age. */
function reviewKind(apiVersion: string, resource: string, kind: string): Kind {
  return defineKind({
    apiVersion,
    resource,
    kind,
    namespaced: false,
    verbs: ["create"],
    printer: {
      columns: [nameColumn, ageColumn],
      cells: (obj, now) => [obj.metadata.name ?? "", age(obj.metadata.creationTimestamp, now)],
    },
  });
}

/** authentication.k8s.io/v1 SelfSubjectReview: who the caller is (`kubectl auth whoami`). */
export const selfSubjectReviewKind = reviewKind(
  "authentication.k8s.io/v1",
  "selfsubjectreviews",
  "SelfSubjectReview",
);

/** authorization.k8s.io/v1 SelfSubjectAccessReview: may the caller do this (`kubectl auth can-i`). */
export const selfSubjectAccessReviewKind = reviewKind(
  "authorization.k8s.io/v1",
  "selfsubjectaccessreviews",
  "SelfSubjectAccessReview",
);

/** authorization.k8s.io/v1 SelfSubjectRulesReview: what the caller may do (`kubectl auth can-i --list`). */
export const selfSubjectRulesReviewKind = reviewKind(
  "authorization.k8s.io/v1",
  "selfsubjectrulesreviews",
  "SelfSubjectRulesReview",
);

/**
 * The resources served without storage: a POST that answers about the caller and keeps
 * nothing. Listed in discovery and the OpenAPI documents like the stored kinds.
 */
export const reviewResources: readonly Kind[] = [
  selfSubjectReviewKind,
  selfSubjectAccessReviewKind,
  selfSubjectRulesReviewKind,
];
