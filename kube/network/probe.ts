import type { Container, Probe } from "../types/core-v1.ts";
import type { PodNetwork } from "./context.ts";
import { connect } from "./conversation.ts";
import { requestOver } from "./http-client.ts";
import type { PodView } from "./world.ts";

/**
 * The kubelet's network probes (httpGet, tcpSocket, grpc), made from the node against the
 * simulated image, with the prober's own result messages (pkg/probe/http, tcp, grpc): what a
 * failing probe's Unhealthy event says after "Readiness probe failed: ".
 */

/** A probe's outcome: success, or failure with the prober's message. */
export interface ProbeResult {
  ok: boolean;
  message: string;
}

const kubeProbeAgent = "kube-probe/1.32";

/** A port by number, or by the name of one of the container's ports; null when the name is unknown. */
function portOf(port: number | string | undefined, container: Container): number | null {
  if (typeof port === "number") return port;
  if (port === undefined) return null;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort ?? null;
}

async function httpGet(
  net: PodNetwork,
  pod: PodView,
  container: Container,
  probe: NonNullable<Probe["httpGet"]>,
): Promise<ProbeResult> {
  const scheme = (probe.scheme ?? "HTTP").toLowerCase();
  const host = probe.host || pod.ip;
  const port = portOf(probe.port, container);
  const path = probe.path ? (probe.path.startsWith("/") ? probe.path : `/${probe.path}`) : "/";
  if (port === null) return { ok: false, message: `unable to find port "${probe.port}"` };
  const url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}${path}`;
  const open = await connect(net, host, port);
  if (open.kind === "refused")
    return { ok: false, message: `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` };
  if (open.kind === "unreachable")
    return {
      ok: false,
      message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    };
  if (scheme === "https")
    return { ok: false, message: `Get "${url}": http: server gave HTTP response to HTTPS client` };
  const headers: [string, string][] = [
    ["Host", `${host}:${port}`],
    ["User-Agent", kubeProbeAgent],
    ["Accept", "*/*"],
    ["Connection", "close"],
  ];
  for (const h of probe.httpHeaders ?? []) {
    const at = headers.findIndex(([n]) => n.toLowerCase() === h.name.toLowerCase());
    if (at !== -1) headers.splice(at, 1);
    headers.push([h.name, h.value]);
  }
  const answer = await requestOver(open, {
    method: "GET",
    target: path,
    version: "HTTP/1.1",
    headers,
    body: "",
  });
  if (answer.kind === "empty") return { ok: false, message: `Get "${url}": EOF` };
  if (answer.kind === "not-http")
    return {
      ok: false,
      message: `Get "${url}": net/http: HTTP/1.x transport connection broken: malformed HTTP response`,
    };
  const status = answer.response.status;
  if (status >= 200 && status < 400) return { ok: true, message: "" };
  return { ok: false, message: `HTTP probe failed with statuscode: ${status}` };
}

async function tcpSocket(
  net: PodNetwork,
  pod: PodView,
  container: Container,
  probe: NonNullable<Probe["tcpSocket"]>,
): Promise<ProbeResult> {
  const host = probe.host || pod.ip;
  const port = portOf(probe.port, container);
  if (port === null) return { ok: false, message: `unable to find port "${probe.port}"` };
  const open = await connect(net, host, port);
  if (open.kind === "refused")
    return { ok: false, message: `dial tcp ${host}:${port}: connect: connection refused` };
  if (open.kind === "unreachable") return { ok: false, message: `dial tcp ${host}:${port}: i/o timeout` };
  return { ok: true, message: "" };
}

/**
 * The kubelet's gRPC probe (pkg/probe/grpc): dials with WithBlock, so a port nothing listens on,
 * or a server that speaks no gRPC (HTTP/1, a database's protocol), fails to connect within the
 * timeout; a gRPC server answers grpc.health.v1.Health/Check for the probe's service.
 */
async function grpc(
  net: PodNetwork,
  pod: PodView,
  probe: NonNullable<Probe["grpc"]>,
  timeoutSeconds: number,
): Promise<ProbeResult> {
  const addr = `${pod.ip.includes(":") ? `[${pod.ip}]` : pod.ip}:${probe.port}`;
  const open = await connect(net, pod.ip, probe.port);
  const server = open.kind === "open" ? open.route.listener.server : null;
  if (!server?.grpcHealth || open.kind !== "open")
    return {
      ok: false,
      message: `timeout: failed to connect service ${JSON.stringify(addr)} within ${timeoutSeconds}s: context deadline exceeded`,
    };
  const status = server.grpcHealth(
    {
      pod: open.route.pod,
      container: open.route.container,
      port: open.route.port,
      clientIP: open.route.clientIP,
      now: () => net.clock.now(),
      stamp: () => "",
    },
    probe.service ?? "",
  );
  if (status === null)
    return {
      ok: false,
      message: "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service",
    };
  if (status !== "SERVING")
    return { ok: false, message: `service unhealthy (responded with ${JSON.stringify(status)})` };
  return { ok: true, message: "service healthy" };
}

/** Runs a network probe of a container from its node; null for an exec probe (the shell's). */
export async function probeOverNetwork(
  net: PodNetwork,
  pod: PodView,
  container: Container,
  probe: Probe,
): Promise<ProbeResult | null> {
  if (probe.httpGet) return httpGet(net, pod, container, probe.httpGet);
  if (probe.tcpSocket) return tcpSocket(net, pod, container, probe.tcpSocket);
  if (probe.grpc) return grpc(net, pod, probe.grpc, probe.timeoutSeconds ?? 1);
  return null;
}
