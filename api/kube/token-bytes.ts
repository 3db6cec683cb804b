import { type StatusError, tooManyRequests } from "../../kube/errors.ts";
import { maxBodyBytes } from "./body.ts";

/**
 * Request-body bytes per token, as a budget that refills at `perSecond` up to `burst` (GCRA, in
 * this process): reading and parsing a body costs CPU in proportion to its size, and a tenant
 * who sends 3 MiB patches back to back would take the process from everyone else. A client
 * applying manifests spends a few KB now and then; one past its budget is told to wait (429).
 */
export class TokenBytes {
  /** When each token's budget is whole again (ms since the epoch). */
  private readonly full = new Map<string, number>();
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(perSecond: number, burst: number) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Spends `bytes` of the token's budget, or throws 429 saying how long to wait. */
  spend(tokenId: string, bytes: number): void {
    const now = Date.now();
    const windowMs = (this.burst / this.perSecond) * 1000;
    const base = Math.max(this.full.get(tokenId) ?? now, now);
    const next = base + (bytes / this.perSecond) * 1000;
    if (next - now > windowMs) throw overBudget(Math.ceil((next - now - windowMs) / 1000));
    if (this.full.size >= 10_000 && !this.full.has(tokenId)) this.forgetWhole(now);
    this.full.set(tokenId, next);
  }

  /** Drops the budgets that are whole again (as if absent), so the map stays small. */
  private forgetWhole(now: number): void {
    for (const [token, at] of this.full) if (at <= now) this.full.delete(token);
  }

  /**
   * The request with its body metered: the declared length is spent at once, a body without one
   * as it is read; past the budget, reading it fails with the 429.
   */
  meter(req: Request, tokenId: string): Request {
    if (!req.body) return req;
    const declared = Number(req.headers.get("content-length") ?? "");
    if (declared > 0) {
      // One past the body limit is refused unread (413): it costs nothing to refuse.
      if (declared <= maxBodyBytes) this.spend(tokenId, declared);
      return req;
    }
    const counted = req.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          this.spend(tokenId, chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Request(req, { body: counted, duplex: "half" } as RequestInit);
  }
}

function overBudget(seconds: number): StatusError {
  return tooManyRequests("Too many requests, please try again later.", Math.max(1, seconds));
}
