import {
  type HttpRequest,
  type HttpResponse,
  parseResponse,
  writeRequest,
} from "../runtime/servers/http-message.ts";
import type { PodNetwork } from "./context.ts";
import { connect, exchange, type OpenConnection } from "./conversation.ts";
import { resolveName } from "./dns.ts";

/**
 * An HTTP request over the simulated network, as curl and wget make it: resolve the host,
 * connect through kube-proxy, send, read the response; each way it can fail is a result, named
 * for the error the tools report.
 */

/** How long a connect to an address no one has waits before the kernel gives up (tcp_syn_retries=6). */
export const kernelConnectTimeoutMs = 130_000;

/** A request to send. */
export interface FetchRequest {
  url: URL;
  method: string;
  headers: [string, string][];
  body: string;
  /** Give up connecting after this long (curl --connect-timeout, -m; wget -T). */
  connectTimeoutMs?: number;
}

/** What became of a request. */
export type FetchResult =
  | { kind: "unresolved"; host: string }
  | { kind: "refused"; ip: string; port: number }
  | { kind: "timeout"; ip: string; port: number; afterMs: number }
  | { kind: "tls"; ip: string; port: number }
  | { kind: "empty"; ip: string; port: number }
  | { kind: "not-http"; ip: string; port: number }
  | { kind: "response"; ip: string; port: number; response: HttpResponse; raw: string };

/** The port a URL names, or its scheme's. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Sends a request over the network (see the top of this file). */
export async function fetchOverNetwork(net: PodNetwork, req: FetchRequest): Promise<FetchResult> {
  const host = req.url.hostname;
  const answer = resolveName(net.world, net.self, host);
  const ip = answer?.ips[0];
  if (!ip) return { kind: "unresolved", host };
  const port = portOf(req.url);
  const open = await connect(net, ip, port);
  if (open.kind === "refused") return { kind: "refused", ip, port };
  if (open.kind === "unreachable") {
    const afterMs = req.connectTimeoutMs ?? kernelConnectTimeoutMs;
    await net.clock.sleep(afterMs);
    return { kind: "timeout", ip, port, afterMs };
  }
  // No simulated server speaks TLS: a plain one answers a ClientHello with what the client cannot read.
  if (req.url.protocol === "https:") return { kind: "tls", ip, port };
  const reply = await requestOver(open, {
    method: req.method,
    target: `${req.url.pathname}${req.url.search}`,
    version: "HTTP/1.1",
    headers: req.headers,
    body: req.body,
  });
  return reply.kind === "response" ? { ...reply, ip, port } : { kind: reply.kind, ip, port };
}

/** What came back for one request on an open connection: nothing, bytes that are not HTTP, or a response. */
export type RequestAnswer =
  | { kind: "empty" }
  | { kind: "not-http"; received: string }
  | { kind: "response"; response: HttpResponse; raw: string };

/** Sends one request on an open connection (then half-closes) and reads the response. */
export async function requestOver(open: OpenConnection, req: HttpRequest): Promise<RequestAnswer> {
  const head = req.method === "HEAD";
  const { received, closed } = await exchange(
    open,
    writeRequest(req),
    true,
    (got) => parseResponse(got, head, false) !== null,
  );
  if (!received.length) return { kind: "empty" };
  const parsed = parseResponse(received, head, closed);
  if (parsed === null || parsed === "bad") return { kind: "not-http", received };
  return { kind: "response", response: parsed.response, raw: received.slice(0, parsed.used) };
}
