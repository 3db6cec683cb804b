import { GraphQLError } from "graphql";
import { AccountError } from "../../accounts/errors.ts";
import { StatusError } from "../../kube/errors.ts";
import { log } from "../../log.ts";

/** `extensions.code` of an expected failure of the Kubernetes semantics, by its Status reason. */
const codeOfReason: Record<string, string> = {
  NotFound: "NOT_FOUND",
  AlreadyExists: "ALREADY_EXISTS",
  Conflict: "CONFLICT",
  Invalid: "INVALID",
  BadRequest: "BAD_USER_INPUT",
  Forbidden: "FORBIDDEN",
  Unauthorized: "UNAUTHENTICATED",
  TooManyRequests: "RATE_LIMITED",
  RequestEntityTooLarge: "PAYLOAD_TOO_LARGE",
  MethodNotAllowed: "BAD_USER_INPUT",
  UnsupportedMediaType: "BAD_USER_INPUT",
  Expired: "GONE",
  Gone: "GONE",
};

/**
 * A StatusError as a typed GraphQL error: the API server's message, a code, and the Status
 * itself (reason, HTTP code, and for 422 the causes, each pointing at its field) so a client
 * shows what kubectl would.
 */
export function statusToGraphQL(err: StatusError, path?: readonly (string | number)[]): GraphQLError {
  const causes = err.details?.causes ?? [];
  return new GraphQLError(err.message, {
    path,
    extensions: {
      code: codeOfReason[err.reason] ?? (err.code >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_USER_INPUT"),
      status: { reason: err.reason, code: err.code },
      ...(causes.length ? { causes } : {}),
    },
  });
}

/**
 * The one place errors become GraphQL errors (yoga's maskError): GraphQL's own errors (syntax,
 * validation, limits) and expected failures of the domain become typed errors with
 * `extensions.code`; anything else is logged with its stack and answered with a masked message.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  if (original instanceof AccountError) {
    // A refused attempt is HTTP's 429 with Retry-After too (yoga answers extensions.http).
    const retry = original.retryAfterSeconds;
    const http = retry ? { http: { status: 429, headers: { "retry-after": String(retry) } } } : {};
    return new GraphQLError(original.message, { path, extensions: { code: original.code, ...http } });
  }
  if (original instanceof StatusError) return statusToGraphQL(original, path);
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
  log.error({ err: original ?? error, path }, "unexpected GraphQL error");
  return new GraphQLError(message, { path, extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

/**
 * A failure of one object of a batch (applyManifest) as data, not as the request's error: the
 * Status the API server would have answered. Anything unexpected is thrown, to be masked.
 */
export function kubeErrorOf(err: unknown) {
  if (!(err instanceof StatusError)) throw err;
  const typed = statusToGraphQL(err);
  return {
    code: String(typed.extensions.code),
    message: err.message,
    reason: err.reason,
    causes: (err.details?.causes ?? []).map((c) => ({
      field: c.field ?? "",
      reason: c.reason ?? "",
      message: c.message ?? "",
    })),
  };
}
