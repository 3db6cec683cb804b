import type { SandboxCaller } from "../../accounts/access.ts";
import type { Database } from "../../db/connection.ts";
import type { ChangeFeed } from "../../db/feed.ts";

/**
 * What a resource request acts on: the database, the sandbox, the change feed for watches, who
 * is calling (the reviews answer about them), and the key tokens are signed with (TokenRequest).
 */
export interface KubeRequestContext {
  database: Database;
  feed: ChangeFeed;
  sandboxId: string;
  /** Who asks, and what their token may do (accounts/permissions.ts). */
  caller: SandboxCaller;
  signingKey: Uint8Array;
}
