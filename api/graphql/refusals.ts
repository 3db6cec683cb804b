import type { Plugin } from "graphql-yoga";

/**
 * How many GraphQL documents one caller may have refused (past the limits: parse, depth, aliases,
 * cost; or invalid) in a minute before its requests are answered 429 without being read, for
 * the rest of that minute. Each refused document costs its parse and validation, and a caller
 * that sends nothing else (200-alias bombs, four at a time) otherwise takes the CPU everyone
 * shares; a web client or a learner's typo is refused a few times at most.
 */
export const defaultRefusalsPerMinute = 60;

const windowMs = 60_000;
/** Callers remembered at once; the oldest window goes first past it. */
const maxCallers = 10_000;

/** Who a request comes from: its Authorization, else its address; null when neither is known. */
export function callerOf(request: Request, clientAddress: string | null): string | null {
  const authorization = request.headers.get("authorization");
  if (authorization) return `auth:${authorization}`;
  return clientAddress ? `addr:${clientAddress}` : null;
}

/** The refusals of each caller in its current window, in this process. */
export class RefusalBudget {
  private readonly windows = new Map<string, { start: number; refused: number }>();

  private readonly perMinute: number;

  constructor(perMinute: number = defaultRefusalsPerMinute) {
    this.perMinute = perMinute;
  }

  /** Seconds until the caller may send again, or 0 when it may now. */
  retryAfter(caller: string | null, now = Date.now()): number {
    const w = caller === null ? undefined : this.windows.get(caller);
    if (!w || now - w.start >= windowMs || w.refused < this.perMinute) return 0;
    return Math.ceil((w.start + windowMs - now) / 1000);
  }

  /** Counts a refused document against the caller. */
  charge(caller: string | null, now = Date.now()): void {
    if (caller === null) return;
    let w = this.windows.get(caller);
    if (!w || now - w.start >= windowMs) {
      this.windows.delete(caller);
      if (this.windows.size >= maxCallers) this.windows.delete(this.windows.keys().next().value as string);
      w = { start: now, refused: 0 };
      this.windows.set(caller, w);
    }
    w.refused++;
  }
}

/** The 429 a caller past its budget gets, as a GraphQL error with Retry-After. */
export function tooManyRefusals(seconds: number): Response {
  const message = `too many GraphQL requests refused: try again in ${seconds} s`;
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: "TOO_MANY_REQUESTS" } }] }), {
    status: 429,
    headers: { "content-type": "application/json; charset=utf-8", "retry-after": String(seconds) },
  });
}

/**
 * Charges the caller for a document refused before execution: one that fails to parse or
 * validate, the limits included (graphql-armor refuses some while parsing). Such a result has
 * errors and no data at all; a result of execution has data, if only null.
 */
export function refusalsPlugin(budget: RefusalBudget): Plugin<object, { clientAddress?: string | null }> {
  return {
    onResultProcess({ request, result, serverContext }) {
      const results = Array.isArray(result) ? result : [result];
      const refused = results.some(
        (r) => typeof r === "object" && r !== null && "errors" in r && !("data" in r && r.data !== undefined),
      );
      if (refused) budget.charge(callerOf(request, serverContext.clientAddress ?? null));
    },
  };
}
