import { type StatusError, tooManyRequests } from "../../kube/errors.ts";

/**
 * A budget per token that refills at `perSecond` up to `burst` (GCRA, in this process): what a
 * token may spend of something whose cost the process pays, requests or body bytes. One past
 * its budget is told how long to wait (429 with Retry-After), as client-go expects.
 */
export class TokenBudget {
  /** When each token's budget is whole again (ms since the epoch). */
  private readonly full = new Map<string, number>();
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(perSecond: number, burst: number) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Spends `amount` of the token's budget, or throws 429 saying how long to wait. */
  spend(tokenId: string, amount: number): void {
    const now = Date.now();
    const windowMs = (this.burst / this.perSecond) * 1000;
    const base = Math.max(this.full.get(tokenId) ?? now, now);
    const next = base + (amount / this.perSecond) * 1000;
    if (next - now > windowMs) throw overBudget(Math.ceil((next - now - windowMs) / 1000));
    if (this.full.size >= 10_000 && !this.full.has(tokenId)) this.forgetWhole(now);
    this.full.set(tokenId, next);
  }

  /** Drops the budgets that are whole again (as if absent), so the map stays small. */
  private forgetWhole(now: number): void {
    for (const [token, at] of this.full) if (at <= now) this.full.delete(token);
  }
}

function overBudget(seconds: number): StatusError {
  return tooManyRequests("Too many requests, please try again later.", Math.max(1, seconds));
}
