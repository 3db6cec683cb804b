import { randomUUID } from "node:crypto";
import { type ServiceAccountClaim, signToken } from "../auth/tokens.ts";
import type { Database } from "../db/connection.ts";
import { tokens } from "../db/schema.ts";

/** What a TokenRequest asks for, once checked: whose sandbox, which account, until when. */
export interface ServiceAccountTokenSpec {
  /** The user the token is kept under (the caller, whose sandbox it is). */
  userId: string;
  sandboxId: string;
  serviceAccount: ServiceAccountClaim;
  /** Who the token is for (TokenRequest's spec.audiences): the API server's, or others. */
  audiences: string[];
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Issues a token for a service account of a sandbox (TokenRequest): a sandbox token naming the
 * account, stored by id like every token so that it can be revoked, and good only while the
 * account exists (accounts/access.ts checks its uid).
 */
export async function issueServiceAccountToken(
  database: Database,
  signingKey: Uint8Array,
  spec: ServiceAccountTokenSpec,
): Promise<string> {
  const tokenId = randomUUID();
  const { userId, sandboxId, issuedAt, expiresAt } = spec;
  await database.db.insert(tokens).values({ id: tokenId, userId, sandboxId, issuedAt, expiresAt });
  return signToken(signingKey, {
    tokenId,
    userId,
    sandboxId,
    serviceAccount: spec.serviceAccount,
    audiences: spec.audiences,
    issuedAt,
    expiresAt,
  });
}
