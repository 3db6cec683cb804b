import { badRequest, type FieldError, invalidValue } from "../../errors.ts";
import type { TokenRequest } from "../../types/authentication-v1.ts";
import { defineKind } from "../kind.ts";

/**
 * authentication.k8s.io/v1 TokenRequest, what POST serviceaccounts/<name>/token takes and
 * answers: a kind for decoding the request (the subresource stores nothing).
 */
export const tokenRequestKind = defineKind<TokenRequest>({
  apiVersion: "authentication.k8s.io/v1",
  resource: "tokenrequests",
  kind: "TokenRequest",
  namespaced: true,
  verbs: ["create"],
  printer: { columns: [], cells: () => [] },
});

/** The audience the API server's own tokens carry (--api-audiences' default). */
export const apiAudiences = ["https://kubernetes.default.svc.cluster.local"];

/** SetDefaults_TokenRequestSpec and the storage's audiences: an hour, for the API server. */
export function defaultTokenRequest(request: TokenRequest): void {
  request.spec ??= {};
  request.spec.expirationSeconds ??= 3600;
  if (!request.spec.audiences?.length) request.spec.audiences = [...apiAudiences];
}

/** ValidateTokenRequest: ten minutes at least, 2^32 seconds at most. */
export function validateTokenRequest(request: TokenRequest): FieldError[] {
  const seconds = request.spec?.expirationSeconds ?? 0;
  if (seconds < 600)
    return [
      invalidValue("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"),
    ];
  if (seconds > 2 ** 32)
    return [
      invalidValue("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"),
    ];
  return [];
}

/** The kinds a token may be bound to here (the API server's, but Node: a sandbox's nodes are the service's). */
export const bindableKinds: Record<string, { resource: string }> = {
  "v1/Pod": { resource: "pods" },
  "v1/Secret": { resource: "secrets" },
};

/** The resource a boundObjectRef names, or the API server's 400 for a kind tokens cannot be bound to. */
export function boundResource(ref: NonNullable<NonNullable<TokenRequest["spec"]>["boundObjectRef"]>): string {
  const bindable = bindableKinds[`${ref.apiVersion ?? ""}/${ref.kind ?? ""}`];
  if (!bindable) {
    const [group, version] = (ref.apiVersion ?? "").includes("/")
      ? (ref.apiVersion ?? "").split("/")
      : ["", ref.apiVersion];
    throw badRequest(`cannot bind token to object of type ${group}/${version ?? ""}, Kind=${ref.kind ?? ""}`);
  }
  return bindable.resource;
}
