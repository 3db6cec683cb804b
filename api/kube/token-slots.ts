import { type StatusError, tooManyRequests } from "../../kube/errors.ts";

/**
 * How many requests (or watches) each token has in progress in this process, within a cap: one
 * client's burst waits its turn at its own door (client-go retries a 429 after its Retry-After)
 * instead of taking the process from everyone. The API server's max-in-flight filter does the
 * same per server; this does it per token, the unit a tenant holds. Counts live in this process
 * only: N API processes allow N times the cap, as N API servers do.
 */
export class TokenSlots {
  private readonly held = new Map<string, number>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Takes a slot for the token, or throws the API server's 429; call the returned function once done. */
  take(tokenId: string): () => void {
    const n = this.held.get(tokenId) ?? 0;
    if (n >= this.max) throw overShare();
    this.held.set(tokenId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(tokenId) ?? 1) - 1;
      if (left > 0) this.held.set(tokenId, left);
      else this.held.delete(tokenId);
    };
  }

  /** Slots in use by a token, for tests and metrics. */
  inUse(tokenId: string): number {
    return this.held.get(tokenId) ?? 0;
  }
}

/** The API server's in-flight refusal: try again in a second (client-go does, after Retry-After). */
function overShare(): StatusError {
  return tooManyRequests("Too many requests, please try again later.", 1);
}
