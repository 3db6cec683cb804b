import type { TenantLimits } from "../../config.ts";
import type { Database } from "../../db/connection.ts";
import type { ChangeFeed } from "../../db/feed.ts";
import type { TokenSlots } from "./token-slots.ts";

/**
 * What a resource request acts on: the database, the sandbox, the change feed for watches; and
 * for the tenant's limits, the token it came with, the limits, and the watch slots of tokens.
 */
export interface KubeRequestContext {
  database: Database;
  feed: ChangeFeed;
  sandboxId: string;
  /** The id of the request's token (its `jti`), which revocation names. */
  tokenId: string;
  limits: TenantLimits;
  /** Watches open per token in this process. */
  watches: TokenSlots;
  /** Whether the token may still use the sandbox, looked up anew (for open streams). */
  stillAllowed: () => Promise<boolean>;
}
