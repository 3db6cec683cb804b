/** Why an account or sandbox operation failed, as a client can act on it. */
export type AccountErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS";

/** An expected failure of accounts and sandboxes; the GraphQL layer turns it into a typed error. */
export class AccountError extends Error {
  readonly code: AccountErrorCode;
  /** For TOO_MANY_REQUESTS: seconds until a new attempt is allowed (HTTP's Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: AccountErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
