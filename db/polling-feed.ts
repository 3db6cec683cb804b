import type { Feed } from "./feed.ts";

/**
 * The change feed of a runtime without LISTEN (workerd ties a connection to the request that
 * opened it; a Lambda's process is frozen between invocations and misses NOTIFYs): each
 * subscriber is woken every `intervalMs`, from a timer of its own request, and reads the change
 * log as it would after a notice. An idle watch costs one small query per interval.
 */
export class PollingFeed implements Feed {
  readonly intervalMs: number;

  constructor(intervalMs = 500) {
    this.intervalMs = intervalMs;
  }

  subscribe(_sandboxId: string, wake: () => void): () => void {
    const timer = setInterval(() => wake(), this.intervalMs);
    return () => clearInterval(timer);
  }
}
