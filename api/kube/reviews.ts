import { userInfoOf } from "../../accounts/identity.ts";
import { permissionsOf } from "../../accounts/permissions.ts";
import { decodeObject } from "../../kube/decode/decode-object.ts";
import { type FieldError, invalid, methodNotAllowed, required } from "../../kube/errors.ts";
import type { Kind } from "../../kube/kinds/kind.ts";
import type { KubeObject } from "../../kube/object.ts";
import { selfSubjectAccessReviewKind, selfSubjectRulesReviewKind } from "../../kube/reviews/resources.ts";
import { rulesAllow } from "../../kube/reviews/rules.ts";
import type { SelfSubjectAccessReview, SelfSubjectRulesReview } from "../../kube/types/authorization-v1.ts";
import { authorizeResource, verbOf } from "./authorize.ts";
import { readBody } from "./body.ts";
import type { KubeRequestContext } from "./context.ts";
import { withWarnings, writeDecodeOptions } from "./field-validation.ts";
import { json } from "./response.ts";

/**
 * POST of a review (SelfSubjectReview, SelfSubjectAccessReview, SelfSubjectRulesReview): the
 * request decoded like any object, answered 201 with its status filled in about the caller, and
 * nothing stored, as the API server's review storage does. What the caller may do comes from
 * accounts/permissions.ts, the one place that says it for every kind of token.
 */
export async function handleReview(
  ctx: KubeRequestContext,
  req: Request,
  url: URL,
  kind: Kind,
): Promise<Response> {
  await authorizeResource(ctx, {
    verb: verbOf(req.method, url, null, null),
    group: kind.group,
    version: kind.version,
    resource: kind.resource,
  });
  if (req.method.toUpperCase() !== "POST") throw methodNotAllowed();
  const decode = writeDecodeOptions(url, "CreateOptions");
  const body = await readBody(req);
  const review = decodeObject(kind, body.value, { ...decode, sourceText: body.text });
  // Go's zero metav1.Time: a review is never stored, so it has no creation time.
  review.metadata = { ...review.metadata, creationTimestamp: null as unknown as string };
  const answered =
    kind === selfSubjectAccessReviewKind
      ? accessReview(ctx, review as SelfSubjectAccessReview)
      : kind === selfSubjectRulesReviewKind
        ? rulesReview(ctx, review as SelfSubjectRulesReview)
        : { ...review, status: { userInfo: await userInfoOf(ctx.database, ctx.caller) } };
  return withWarnings(json(answered, 201), decode.warnings);
}

function rejectInvalid(kind: Kind, errors: FieldError[]): void {
  if (errors.length) throw invalid(kind.group, kind.kind, "", errors);
}

/** SelfSubjectAccessReview: exactly one of resourceAttributes and nonResourceAttributes, then allowed or not. */
function accessReview(ctx: KubeRequestContext, review: SelfSubjectAccessReview): KubeObject {
  const spec = review.spec ?? {};
  const { resourceAttributes: resource, nonResourceAttributes: nonResource } = spec;
  if (!resource && !nonResource)
    rejectInvalid(selfSubjectAccessReviewKind, [
      required(
        "spec.resourceAttributes",
        "exactly one of nonResourceAttributes or resourceAttributes must be specified",
      ),
    ]);
  if (resource && nonResource)
    rejectInvalid(selfSubjectAccessReviewKind, [
      {
        type: "FieldValueInvalid",
        field: "spec.nonResourceAttributes",
        body: `Invalid value: ${JSON.stringify(nonResource)}: cannot be specified in combination with resourceAttributes`,
      },
    ]);
  const permissions = permissionsOf(ctx.caller);
  const allowed = rulesAllow(permissions, resource ? { resource } : { nonResource });
  return {
    ...review,
    status: allowed ? { allowed, reason: permissions.grantedBy } : { allowed },
  } as KubeObject;
}

/** SelfSubjectRulesReview: the caller's rules in a namespace (required). */
function rulesReview(ctx: KubeRequestContext, review: SelfSubjectRulesReview): KubeObject {
  if (!review.spec?.namespace) rejectInvalid(selfSubjectRulesReviewKind, [required("spec.namespace")]);
  const { resourceRules, nonResourceRules } = permissionsOf(ctx.caller);
  return { ...review, status: { resourceRules, nonResourceRules, incomplete: false } } as KubeObject;
}
