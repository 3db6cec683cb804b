import { StatusError } from "../../kube/errors.ts";
import { log } from "../../log.ts";

/** A JSON response as the API server sends it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * The one place errors become HTTP: a StatusError is rendered as its metav1.Status; anything
 * else is logged and answered with a 500 Status that says nothing of the cause.
 */
export function statusResponse(err: unknown, context: Record<string, unknown> = {}): Response {
  if (err instanceof StatusError) {
    const retryAfter = err.details?.retryAfterSeconds;
    return json(err.toStatus(), err.code, retryAfter ? { "retry-after": String(retryAfter) } : {});
  }
  log.error({ ...context, err }, "unexpected error");
  const status = new StatusError(
    500,
    "InternalError",
    "Internal error occurred: the server could not handle the request",
  );
  return json(status.toStatus(), 500);
}
