/** Why an account or sandbox operation failed, as a client can act on it. */
export type AccountErrorCode = "BAD_USER_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT";

/** An expected failure of accounts and sandboxes; the GraphQL layer turns it into a typed error. */
export class AccountError extends Error {
  readonly code: AccountErrorCode;
  constructor(code: AccountErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
