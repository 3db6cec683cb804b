import type { IncomingMessage } from "node:http";

/**
 * An upgrade request (a WebSocket GET, kubectl's SPDY POST) as the fetch API's Request, so the
 * app and the stream gates read it as any other request. Node joins a repeated header's values
 * with ", ", as fetch does. `omit`: headers left out (the upgrade's own, for a plain answer). May
 * throw (a method or host fetch refuses).
 */
export function requestOf(req: IncomingMessage, omit: string[] = []): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !omit.includes(name))
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
  });
}

/**
 * The path an upgrade request names; "" when its target is no URL (Node's parser lets `//[`
 * through): no handler takes it, and a throw here, in an 'upgrade' listener, would end the
 * process.
 */
export function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return "";
  }
}
