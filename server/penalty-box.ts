import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { surfaceOf } from "../api/surfaces.ts";
import { tooManyRequests } from "../kube/errors.ts";

/** Callers remembered at once, at most; past it the oldest are forgotten (a Map keeps insertion order). */
const maxRemembered = 10_000;
/** The longest a caller is remembered, whatever its Retry-After said (the flow control waits a second at most). */
const maxWaitMs = 1_000;

const refusal = Buffer.from(
  JSON.stringify(tooManyRequests("Too many requests, please try again later.", 1).toStatus()),
);
const refusalHeaders = {
  "content-type": "application/json",
  "retry-after": "1",
  "content-length": refusal.length,
};

/**
 * The Kubernetes API's callers told to wait (429 with Retry-After) who ask again before the wait
 * is over: refused here, below the app, with the same Status, no sooner than a second after they
 * asked (as the flow control answers every 429). client-go waits out Retry-After, so only a
 * client that does not is refused here, and a second at most: the next request after that goes
 * to the app, which decides afresh. A caller is its Authorization header, and watches apart from
 * other requests (they have limits of their own). Why: a refused request still went through the
 * whole app (routing, middleware, authorization, the response), some 40 KB of garbage each, and
 * a flood of them (a watch storm past its token's watches, 140 a second) doubled the service's
 * young-generation collections, the pauses every other tenant's requests waited behind.
 */
export class PenaltyBox {
  private readonly until = new Map<string, number>();
  private readonly refused: (method: string) => void;

  /** `refused` hears of each request refused here (the metrics count it as the app would). */
  constructor(refused: (method: string) => void) {
    this.refused = refused;
  }

  /** The listener, with the callers it told to wait refused before it while they should wait. */
  wrap(listener: RequestListener): RequestListener {
    return (req, res) => {
      const caller = callerOf(req);
      if (caller !== null) {
        const until = this.until.get(caller);
        if (until !== undefined && until > performance.now()) return this.refuse(req, res);
        if (until !== undefined) this.until.delete(caller);
        res.once("finish", () => {
          if (res.statusCode === 429) this.remember(caller, Number(res.getHeader("retry-after")) || 1);
        });
      }
      listener(req, res);
    };
  }

  /** How many callers are remembered now, for tests. */
  get size(): number {
    return this.until.size;
  }

  private remember(caller: string, retryAfterSeconds: number) {
    if (this.until.size >= maxRemembered) this.until.delete(this.until.keys().next().value as string);
    this.until.delete(caller);
    this.until.set(caller, performance.now() + Math.min(retryAfterSeconds * 1000, maxWaitMs));
  }

  private refuse(req: IncomingMessage, res: ServerResponse) {
    this.refused(req.method ?? "GET");
    const answer = setTimeout(() => res.writeHead(429, refusalHeaders).end(refusal), maxWaitMs);
    res.once("close", () => clearTimeout(answer));
  }
}

/** Who asks, for the Kubernetes API only: its Authorization header, and whether it watches. Null otherwise. */
function callerOf(req: IncomingMessage): string | null {
  const authorization = req.headers.authorization;
  const url = req.url ?? "/";
  if (!authorization || surfaceOf(url) !== "kube") return null;
  const watch = req.method === "GET" && /[?&]watch=(1|t|true)(&|$)/i.test(url);
  return `${watch ? "watch" : "request"} ${authorization}`;
}
