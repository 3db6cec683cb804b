import { GraphQLError } from "graphql";
import type { ServerIdentity } from "../../accounts/sandboxes.ts";
import type { AuthSettings } from "../../accounts/users.ts";
import { userForToken } from "../../accounts/users.ts";
import { userAudience, verifyToken } from "../../auth/tokens.ts";
import type { Database } from "../../db/connection.ts";

/** What resolvers get: the service's parts and the signed-in user, if any. */
export interface GraphQLContext {
  database: Database;
  auth: AuthSettings;
  server: ServerIdentity;
  user: { id: string; email: string } | null;
  /** The id of the login token the request carries, when valid. */
  tokenId: string | null;
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

/** Reads the login token from the request; an invalid, expired or revoked token is treated as none. */
export async function userFromRequest(database: Database, auth: AuthSettings, req: Request) {
  const none = { user: null, tokenId: null };
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!m?.[1]) return none;
  const claims = await verifyToken(auth.signingKey, m[1].trim(), [userAudience]);
  if (!claims) return none;
  const user = await userForToken(database, claims.tokenId, claims.userId);
  return user ? { user, tokenId: claims.tokenId } : none;
}
