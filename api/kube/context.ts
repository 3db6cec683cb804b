import type { SandboxCaller } from "../../accounts/access.ts";
import type { TenantLimits } from "../../config.ts";
import type { Database } from "../../db/connection.ts";
import type { Feed } from "../../db/feed.ts";
import type { TokenSlots } from "./token-slots.ts";

/**
 * What a resource request acts on: the database, the sandbox, the change feed for watches, who
 * is calling (the reviews answer about them) and the key tokens are signed with (TokenRequest);
 * and for the tenant's limits, the limits and the watch slots of tokens.
 */
export interface KubeRequestContext {
  database: Database;
  feed: Feed;
  sandboxId: string;
  /** Who asks, and what their token may do (accounts/permissions.ts). */
  caller: SandboxCaller;
  signingKey: Uint8Array;
  limits: TenantLimits;
  /** Watches open per token in this process. */
  watches: TokenSlots;
  /** Whether the token may still use the sandbox, looked up anew (for open streams). */
  stillAllowed: () => Promise<boolean>;
}
