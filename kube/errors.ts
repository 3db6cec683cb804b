/** A field-level validation problem, as Kubernetes' field.Error. */
export interface FieldError {
  type:
    | "FieldValueRequired"
    | "FieldValueInvalid"
    | "FieldValueNotSupported"
    | "FieldValueForbidden"
    | "FieldValueDuplicate"
    | "FieldValueNotFound"
    | "FieldValueTooLong"
    | "FieldValueTypeInvalid";
  field: string;
  /** The message without the field: "Invalid value: \"x\": detail". */
  body: string;
}

/** A metav1.Status cause. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The details block of a metav1.Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  /** How long the client should wait before it tries again (sent as Retry-After too). */
  retryAfterSeconds?: number;
}

/**
 * The one error type of the Kubernetes semantics: every expected failure becomes a metav1.Status
 * with the real reason, code and message. The HTTP layer renders it; nothing else does.
 */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    // An expected failure, answered as a Status: no stack is captured for it, which cost some
    // 20 µs each — a 429 storm's largest single cost after parsing its requests.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** The metav1.Status object kubectl reads. */
  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** The name of a resource as messages print it: `pods`, `deployments.apps`. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function resourceDetails(group: string, resource: string, name: string): StatusDetails {
  return { name, ...(group ? { group } : {}), kind: resource };
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(group: string, resource: string, name: string): StatusError {
  return new StatusError(
    404,
    "NotFound",
    `${qualifiedResource(group, resource)} "${name}" not found`,
    resourceDetails(group, resource, name),
  );
}

/** 409 AlreadyExists: `namespaces "x" already exists`. */
export function alreadyExists(group: string, resource: string, name: string): StatusError {
  return new StatusError(
    409,
    "AlreadyExists",
    `${qualifiedResource(group, resource)} "${name}" already exists`,
    resourceDetails(group, resource, name),
  );
}

/** 409 Conflict for a stale resourceVersion, with the API server's words. */
export function conflict(group: string, resource: string, name: string): StatusError {
  return new StatusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    resourceDetails(group, resource, name),
  );
}

/** 422 Invalid, one cause per field error, the message aggregated as the API server does. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): StatusError {
  const lines = [...new Set(errors.map((e) => `${e.field}: ${e.body}`))];
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  let message = `${qualifiedKind} "${name}" is invalid`;
  if (lines.length === 1) message += `: ${lines[0]}`;
  else if (lines.length > 1) message += `: [${lines.join(", ")}]`;
  return new StatusError(422, "Invalid", message, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, "BadRequest", message);
}

/** 403 Forbidden. */
export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(403, "Forbidden", message, details);
}

/** 401 Unauthorized, as the API server answers a missing or bad credential. */
export function unauthorized(): StatusError {
  return new StatusError(401, "Unauthorized", "Unauthorized");
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(
  message = "the server does not allow this method on the requested resource",
): StatusError {
  return new StatusError(405, "MethodNotAllowed", message);
}

/** 415 UnsupportedMediaType, for a body in a format the server cannot read. */
export function unsupportedMediaType(): StatusError {
  return new StatusError(
    415,
    "UnsupportedMediaType",
    "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
  );
}

/**
 * 429 TooManyRequests (NewTooManyRequests): the client should try again after
 * `retryAfterSeconds`, which the HTTP layer also sends as Retry-After (client-go waits it out).
 */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, "TooManyRequests", message, { retryAfterSeconds });
}

/** 410 Expired: a watch or list from a revision the change log no longer holds. */
export function gone(message: string): StatusError {
  return new StatusError(410, "Expired", message);
}

/** A FieldError of type Required. */
export function required(field: string, detail = ""): FieldError {
  return { type: "FieldValueRequired", field, body: detail ? `Required value: ${detail}` : "Required value" };
}

/** A FieldError of type Invalid, the value quoted as Go's %q (strings) or printed plainly. */
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return {
    type: "FieldValueInvalid",
    field,
    body: `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ""}`,
  };
}

/** A FieldError of type Forbidden. */
export function forbiddenField(field: string, detail: string): FieldError {
  return { type: "FieldValueForbidden", field, body: `Forbidden: ${detail}` };
}

/** A FieldError of type NotSupported, listing the supported values as the API server does. */
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const list = supported.map((s) => `"${s}"`).join(", ");
  return {
    type: "FieldValueNotSupported",
    field,
    body: `Unsupported value: ${renderValue(value)}: supported values: ${list}`,
  };
}

/** A FieldError of type Invalid whose value is already rendered the Go way (`%#v` of a slice, map or struct: kube/go/values.ts). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return {
    type: "FieldValueInvalid",
    field,
    body: `Invalid value: ${rendered}${detail ? `: ${detail}` : ""}`,
  };
}

/** A FieldError of type Duplicate: `Duplicate value: "nginx"`, or the value as `rendered` gives it. */
export function duplicate(field: string, value: unknown, rendered = renderValue(value)): FieldError {
  return { type: "FieldValueDuplicate", field, body: `Duplicate value: ${rendered}` };
}

/** A FieldError of type NotFound: `Not found: "x"`. */
export function notFoundField(field: string, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field, body: `Not found: ${renderValue(value)}` };
}

/** A value as field.Error prints it: strings quoted, numbers and booleans plain, null for nothing. */
function renderValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "null";
}
