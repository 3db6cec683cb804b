import { watchBodyChunks } from "../request-body.ts";
import { maxBodyBytes } from "./body.ts";
import { TokenBudget } from "./token-budget.ts";

/**
 * Request-body bytes per token, as a budget that refills at `perSecond` up to `burst`: reading
 * and parsing a body costs CPU in proportion to its size, and a tenant who sends 3 MiB patches
 * back to back would take the process from everyone else. A client applying manifests spends a
 * few KB now and then; one past its budget is told to wait (429).
 */
export class TokenBytes {
  private readonly budget: TokenBudget;

  constructor(perSecond: number, burst: number) {
    this.budget = new TokenBudget(perSecond, burst);
  }

  /** Spends `bytes` of the token's budget, or throws 429 saying how long to wait. */
  spend(tokenId: string, bytes: number): void {
    this.budget.spend(tokenId, bytes);
  }

  /**
   * Meters the request's body: the declared length is spent at once, a body without one as it
   * is read; past the budget, reading it fails with the 429.
   */
  meter(req: Request, tokenId: string): void {
    if (req.method === "GET" || req.method === "HEAD") return;
    const declared = Number(req.headers.get("content-length") ?? "");
    if (declared > 0) {
      // One past the body limit is refused unread (413): it costs nothing to refuse.
      if (declared <= maxBodyBytes) this.spend(tokenId, declared);
      return;
    }
    watchBodyChunks(req, (bytes) => this.spend(tokenId, bytes));
  }
}
