import type { MiddlewareHandler } from "hono";
import { sandboxAudience, userAudience, verifyToken } from "../../auth/tokens.ts";
import { apiAudiences } from "../../kube/kinds/serviceaccount/token-request.ts";
import { surfaceOf } from "../surfaces.ts";
import type { FairQueue } from "./fair-queue.ts";

/** The API server's refusal past a flow's share (APF's tooManyRequests). */
export const tooManyRequestsMessage = "Too many requests, please try again later.";

/** What APF says to wait: its dropped-requests tracker starts at a second. */
const retryAfterSeconds = 1;

/** Health probes and metrics, which APF's `probes` flow schema exempts: they never wait. */
const exempt = new Set(["/healthz", "/livez", "/readyz", "/metrics"]);

/**
 * Long-running requests other than watches, as the API server's long-running check names them
 * (a pod's log, exec, attach, port-forward; proxy): APF does not count them at all, since
 * nothing says how long they hold a seat. A watch is counted until its stream starts (its
 * initialization), as APF counts it; the handler returns its response then.
 */
const longRunning =
  /^(\/sandboxes\/[^/]+)?\/api\/v1\/(namespaces\/[^/]+\/)?(pods|services|nodes)\/[^/]+\/(log|exec|attach|portforward|proxy)(\/|$)|^(\/sandboxes\/[^/]+)?\/api\/v1\/proxy\//;

/**
 * Each caller's fair share of the service, for every request but the exempt and long-running
 * ones: a flow (a token's subject and sandbox, else the client's address) past its share waits
 * in its own short queue and, past that, gets APF's 429 (fair-queue.ts). Any 429 — that one, or
 * a limit's within — is answered no sooner than its Retry-After (a second at most) after its
 * request came, with the seat given back first: a client that retries at once, instead of after
 * Retry-After as client-go does, then costs a refusal a second per connection, not as many as it
 * can send. The app's fetch holds it back (holdingRefusals), once the app is done with the
 * request. (A refused log-in has waited its second in the resolver already, as it must over
 * WebSocket too; it waits no more here.)
 */
export function flowControl(
  queue: FairQueue,
  signingKey: Uint8Array,
): MiddlewareHandler<{ Bindings: { clientAddress?: string | null } }> {
  return async (c, next) => {
    const came = performance.now();
    const path = c.req.path;
    if (exempt.has(path) || longRunning.test(path)) {
      await next();
      return tarpitted(c.res, came);
    }
    const release = await queue.seat(await flowOf(c.req.raw, c.env?.clientAddress ?? null, signingKey));
    if (!release) return tarpitted(tooManyRequests(surfaceOf(path) === "graphql"), came);
    try {
      await next();
    } finally {
      release();
    }
    return tarpitted(c.res, came);
  };
}

/**
 * The flow a request belongs to: the subject and sandbox of a valid token, else the client's
 * address. A token that does not verify counts as no token, so inventing tokens makes no flows.
 */
async function flowOf(
  request: Request,
  clientAddress: string | null,
  signingKey: Uint8Array,
): Promise<string> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const claims = token
    ? await verifyToken(signingKey, token, [userAudience, sandboxAudience, ...apiAudiences])
    : null;
  if (claims) return `user:${claims.userId}/${claims.sandboxId ?? ""}`;
  return `address:${clientAddress ?? ""}`;
}

/** When each 429 may be answered: its Retry-After (a second at most) after its request came. */
const answerAt = new WeakMap<Response, number>();

/** The response, a 429 marked with when it may be answered. */
function tarpitted(response: Response, came: number): Response {
  if (response.status !== 429) return response;
  const seconds = Math.min(Number(response.headers.get("retry-after")) || 0, 1);
  answerAt.set(response, came + seconds * 1000);
  return response;
}

/**
 * The app's fetch, with each 429 held back until it may be answered. The wait is here, outside
 * the app, not in its middleware: a request refused by the hundred a second would otherwise keep
 * the app's whole context and middleware chain alive for its second, long enough to survive into
 * V8's old generation (some 19 of 99 MB promoted in 20 s of the noisy bench's attacks), whose
 * collections then stalled every tenant.
 */
export function holdingRefusals<F extends (...args: never[]) => Response | Promise<Response>>(fetch: F): F {
  return (async (...args: Parameters<F>) => {
    const response = await fetch(...args);
    const left = (answerAt.get(response) ?? 0) - performance.now();
    if (left > 0) await new Promise((done) => setTimeout(done, left));
    return response;
  }) as F;
}

/**
 * APF's 429: a plain-text message and Retry-After, which client-go retries after the wait and
 * kubectl reports as "Error from server (TooManyRequests): the server has received too many
 * requests and has asked us to try again later". GraphQL clients get it as a typed error.
 */
function tooManyRequests(graphql: boolean): Response {
  const headers = { "retry-after": String(retryAfterSeconds) };
  if (graphql)
    return Response.json(
      { errors: [{ message: tooManyRequestsMessage, extensions: { code: "RATE_LIMITED" } }] },
      { status: 429, headers },
    );
  return new Response(`${tooManyRequestsMessage}\n`, {
    status: 429,
    headers: { ...headers, "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}
