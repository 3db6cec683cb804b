import type { Sql } from "./sql.ts";
import { changesChannel } from "./store/changes.ts";

/**
 * What wakes watchers (kubectl's watches, GraphQL subscriptions) when a sandbox commits: "look
 * again", after which they read what changed from the change log. Each entry point picks one:
 * ChangeFeed (LISTEN, in a long-lived Node process) or PollingFeed (db/polling-feed.ts, where a
 * runtime has no LISTEN: workerd, a Lambda whose process freezes between requests).
 */
export interface Feed {
  /**
   * Calls `wake` after each commit to the sandbox (at least), with the revision it reached when
   * the feed knows it; returns the function that stops it.
   */
  subscribe(sandboxId: string, wake: (revision?: number) => void): () => void;
}

/**
 * Wakes this process's watchers when a sandbox commits a write. One LISTEN connection per
 * process; a notification carries "<sandbox>:<revision>" and only that sandbox's watchers wake.
 * The feed says only "look again": watchers read what changed from the change log.
 */
export class ChangeFeed implements Feed {
  private readonly listeners = new Map<string, Set<(revision?: number) => void>>();
  private unlisten: (() => Promise<void>) | null = null;
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  /** Starts listening; resolves once the LISTEN is in place. */
  async start(): Promise<void> {
    const { unlisten } = await this.sql.listen(changesChannel, (payload) => {
      const sep = payload.lastIndexOf(":");
      const sandboxId = payload.slice(0, sep);
      const reached = payload.slice(sep + 1);
      // A notice without a revision (none is sent so) wakes its listeners to read the log as it is.
      const revision = /^\d{1,15}$/.test(reached) ? Number(reached) : undefined;
      for (const fn of this.listeners.get(sandboxId) ?? []) fn(revision);
    });
    this.unlisten = unlisten;
  }

  /** Calls `fn` after each commit to the sandbox; returns the function that stops it. */
  subscribe(sandboxId: string, fn: (revision?: number) => void): () => void {
    let set = this.listeners.get(sandboxId);
    if (!set) {
      set = new Set();
      this.listeners.set(sandboxId, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(sandboxId);
    };
  }

  /** How many watchers are waiting, for metrics and tests. */
  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }
}
