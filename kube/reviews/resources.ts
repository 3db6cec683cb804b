import type { ServedResource } from "../openapi/paths.ts";

/**
 * The resources served without storage: a POST that answers about the caller and keeps
 * nothing (authorization.k8s.io's access and rules reviews, authentication.k8s.io's
 * SelfSubjectReview). Listed in discovery and the OpenAPI documents like the stored kinds.
 */
export const reviewResources: readonly ServedResource[] = [
  {
    group: "authentication.k8s.io",
    version: "v1",
    resource: "selfsubjectreviews",
    kind: "SelfSubjectReview",
    namespaced: false,
    verbs: ["create"],
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    resource: "selfsubjectaccessreviews",
    kind: "SelfSubjectAccessReview",
    namespaced: false,
    verbs: ["create"],
  },
  {
    group: "authorization.k8s.io",
    version: "v1",
    resource: "selfsubjectrulesreviews",
    kind: "SelfSubjectRulesReview",
    namespaced: false,
    verbs: ["create"],
  },
];
