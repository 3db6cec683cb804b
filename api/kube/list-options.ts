import { badRequest } from "../../kube/errors.ts";
import { parseInt64, parseUint64 } from "../../kube/go/strconv.ts";

/**
 * The `resourceVersion` of a list or watch as the storage's versioner parses it: "" and "0" are
 * "any" (null here); anything but a uint64 is a 400, worded as the etcd store words it.
 */
export function listResourceVersion(url: URL): number | null {
  const text = url.searchParams.get("resourceVersion") ?? "";
  if (text === "" || text === "0") return null;
  const parsed = parseUint64(text);
  if (!parsed.ok)
    throw badRequest(
      `invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(text)}: ${parsed.message}`,
    );
  return parsed.value;
}

/** The API server's --min-request-timeout: a watch that names no timeout ends after 1× to 2× of it. */
const minRequestTimeoutSeconds = 1800;

/**
 * How long a watch stays open, in ms. `timeoutSeconds` is read as an int64 (anything else a 400,
 * as DecodeParameters answers); none, or not above 0, is what the API server picks then: a random
 * time between one and two min-request-timeouts, spreading reconnections out. Past
 * `maxSeconds` (the service's limit) it is cut to it: no watch outlives it, and no timer
 * overflows.
 */
export function watchTimeoutMs(url: URL, maxSeconds: number): number {
  const text = url.searchParams.get("timeoutSeconds");
  let seconds = 0;
  if (text !== null) {
    const parsed = parseInt64(text);
    if (!parsed.ok) throw badRequest(parsed.message);
    seconds = parsed.value;
  }
  if (seconds <= 0) seconds = minRequestTimeoutSeconds * (1 + Math.random());
  return Math.min(seconds, maxSeconds) * 1000;
}
