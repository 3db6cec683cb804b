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
   * The request with its body metered: the declared length is spent at once, a body without one
   * as it is read; past the budget, reading it fails with the 429.
   */
  meter(req: Request, tokenId: string): Request {
    // Asked first: on Node, reading `body` of a GET makes the whole Request that
    // @hono/node-server otherwise leaves unbuilt (some 50 µs and its garbage, for every watch).
    if (req.method === "GET" || req.method === "HEAD" || !req.body) return req;
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
