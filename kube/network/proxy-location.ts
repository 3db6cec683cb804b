import { badRequest, notFound, StatusError } from "../errors.ts";
import { isValidIP } from "../go/ip.ts";
import type { NetworkWorld } from "./world.ts";

/**
 * Where the API server's proxy subresource sends a request (the registry's ResourceLocation of
 * services and pods): `[scheme:]name[:port]` split as utilnet.SplitSchemeNamePort does, then a
 * service's ready endpoint for the port (by number or name), or the pod's IP; the real errors.
 */

/** Where to send the proxied request. */
export interface ProxyLocation {
  scheme: "http" | "https";
  ip: string;
  port: number;
}

function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, "ServiceUnavailable", message);
}

/** utilnet.SplitSchemeNamePort: "name", "name:port", "scheme:name:port"; null when invalid. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | null {
  const parts = id.split(":");
  let scheme = "";
  let name = "";
  let port = "";
  if (parts.length === 1) [name = ""] = parts;
  else if (parts.length === 2) [name = "", port = ""] = parts;
  else if (parts.length === 3) [scheme = "", name = "", port = ""] = parts;
  else return null;
  if (!name || (scheme !== "" && scheme !== "http" && scheme !== "https")) return null;
  return { scheme, name, port };
}

/** The endpoint a service's proxy reaches; `pick` chooses among the candidates (the balancer). */
export async function serviceProxyLocation(
  world: NetworkWorld,
  namespace: string,
  id: string,
  pick: (key: string, count: number) => Promise<number>,
): Promise<ProxyLocation> {
  const split = splitSchemeNamePort(id);
  if (!split) throw badRequest(`invalid service request "${id}"`);
  let portName = split.port;
  const service = world.services.find((s) => s.namespace === namespace && s.name === split.name);
  if (/^-?\d+$/.test(split.port)) {
    if (!service) throw notFound("", "services", split.name);
    const found = service.ports.find((p) => p.port === Number(split.port));
    if (!found)
      throw serviceUnavailable(`no service port ${Number(split.port)} found for service "${split.name}"`);
    portName = found.name;
  }
  const eps = world.endpoints.get(`${namespace}/${split.name}`);
  if (!eps) throw notFound("", "endpoints", split.name);
  if (!eps.length) throw serviceUnavailable(`no endpoints available for service "${split.name}"`);
  const candidates = eps
    .filter((e) => e.ready)
    .flatMap((e) => {
      const p = e.ports.find((x) => x.name === portName);
      return p ? [{ ip: e.ip, port: p.port }] : [];
    })
    .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port));
  if (!candidates.length) throw serviceUnavailable(`no endpoints available for service "${id}"`);
  const index =
    candidates.length === 1 ? 0 : await pick(`${namespace}/${split.name}:${portName}`, candidates.length);
  const target = candidates[index] ?? candidates[0];
  if (!target) throw serviceUnavailable(`no endpoints available for service "${id}"`);
  return { scheme: split.scheme === "https" ? "https" : "http", ...target };
}

/** The pod a pod's proxy reaches: its IP at the port given, else its first container's first port, else 80. */
export function podProxyLocation(world: NetworkWorld, namespace: string, id: string): ProxyLocation {
  const split = splitSchemeNamePort(id);
  if (!split) throw badRequest(`invalid pod request "${id}"`);
  const pod = world.pods.find((p) => p.namespace === namespace && p.name === split.name);
  if (!pod) throw notFound("", "pods", split.name);
  if (!pod.ip || !isValidIP(pod.ip) || pod.ip.startsWith("127.")) throw badRequest("address not allowed");
  const port = split.port !== "" ? Number(split.port) : (pod.containers[0]?.ports[0]?.containerPort ?? 80);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new StatusError(
      503,
      "ServiceUnavailable",
      `error trying to reach service: dial tcp: address ${pod.ip}:${split.port}: invalid port`,
    );
  return { scheme: split.scheme === "https" ? "https" : "http", ip: pod.ip, port };
}
