import { GraphQLError } from "graphql";
import type { ServerIdentity } from "../../accounts/sandboxes.ts";
import type { AuthSettings } from "../../accounts/users.ts";
import { userForToken } from "../../accounts/users.ts";
import { userAudience, verifyToken } from "../../auth/tokens.ts";
import type { Database } from "../../db/connection.ts";
import type { Feed } from "../../db/feed.ts";
import type { Loaders } from "./cluster/loaders.ts";

/** What resolvers get: the service's parts, the signed-in user (if any) and the request's loaders. */
export interface GraphQLContext {
  database: Database;
  auth: AuthSettings;
  server: ServerIdentity;
  /** Wakes subscriptions when a sandbox commits (the same feed kubectl's watches use). */
  feed: Feed;
  user: { id: string; email: string } | null;
  /** The id of the login token the request carries, when valid. */
  tokenId: string | null;
  loaders: Loaders;
  /** The client's address as the listener saw it (null when the host does not say): for the attempt limits. */
  clientAddress: string | null;
}

/** The signed-in user, or an UNAUTHENTICATED error. */
export function requireUser(ctx: GraphQLContext): { id: string; email: string } {
  if (!ctx.user)
    throw new GraphQLError("sign in first: send Authorization: Bearer <token from logIn or signUp>", {
      extensions: { code: "UNAUTHENTICATED" },
    });
  return ctx.user;
}

/**
 * The user an Authorization value ("Bearer <login token>") names; an invalid, expired or revoked
 * token is treated as none.
 */
export async function userFromAuthorization(database: Database, auth: AuthSettings, authorization: string) {
  const none = { user: null, tokenId: null };
  const m = /^Bearer\s+(.+)$/i.exec(authorization);
  if (!m?.[1]) return none;
  const claims = await verifyToken(auth.signingKey, m[1].trim(), [userAudience]);
  if (!claims) return none;
  const user = await userForToken(database, claims.tokenId, claims.userId);
  return user ? { user, tokenId: claims.tokenId } : none;
}
