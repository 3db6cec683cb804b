import { type FieldError, invalidRendered, invalidValue, StatusError } from "../../errors.ts";
import { formatIPv4, parseIPv4 } from "../../go/ip.ts";
import { goStringSlice } from "../../go/values.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { clusterIPNone, clusterIPsOf, needsHealthCheck, portsOf, shouldAllocateNodePorts } from "./spec.ts";

/** Every sandbox's service network (--service-cluster-ip-range). */
export const serviceCIDR = "10.96.0.0/12";
const cidrBase = parseIPv4("10.96.0.0") ?? 0;
const cidrSize = 2 ** 20;
/** The first usable address, which the `kubernetes` service holds. */
export const kubernetesServiceIP = "10.96.0.1";

/** The lowest node port (--service-node-port-range 30000-32767). */
export const nodePortMin = 30000;
/** The highest node port. */
export const nodePortMax = 32767;

/**
 * Dynamic allocation prefers the upper part of each range and leaves the lower band to addresses
 * users ask for by number, as the API server's allocators do (min(max(16, size/16), 256) addresses;
 * min(max(16, size/32), 128) ports).
 */
const ipStaticBand = 256;
const portStaticBand = 86;

/** What other services of the sandbox already hold. */
export interface Allocated {
  /** IPv4 cluster IPs as numbers. */
  ips: Set<number>;
  nodePorts: Set<number>;
}

/** A source of randomness in [0, 1); tests pass their own. */
export type Random = () => number;

function internalError(message: string): StatusError {
  return new StatusError(500, "InternalError", `Internal error occurred: ${message}`);
}

/** Picks a free value in [lo, hi], trying random ones in [preferLo, hi] first, then scanning. */
function pickFree(
  lo: number,
  preferLo: number,
  hi: number,
  taken: (n: number) => boolean,
  random: Random,
): number | null {
  for (let i = 0; i < 64; i++) {
    const n = preferLo + Math.floor(random() * (hi - preferLo + 1));
    if (!taken(n)) return n;
  }
  for (let n = lo; n <= hi; n++) if (!taken(n)) return n;
  return null;
}

/** Why a requested cluster IP cannot be had, or null when it can. */
function ipProblem(ip: string, allocated: Allocated, dryRun: boolean): string | null {
  const n = parseIPv4(ip);
  if (n === null || n <= cidrBase || n >= cidrBase + cidrSize - 1)
    return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${serviceCIDR}`;
  // Like the API server, a dry run does not check whether the address is free.
  if (!dryRun && allocated.ips.has(n)) return "provided IP is already allocated";
  return null;
}

/**
 * allocClusterIPs for a single-stack cluster: headless and ExternalName services get none; a
 * requested IP must be in range and free; otherwise a random free one. Returns the field errors.
 */
export function allocateClusterIPs(
  spec: ServiceSpec,
  allocated: Allocated,
  dryRun: boolean,
  random: Random,
): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const ips = clusterIPsOf(spec);
  if (ips[0] === clusterIPNone) return [];
  let ip = ips[0] ?? "";
  if (ip) {
    const problem = ipProblem(ip, allocated, dryRun);
    if (problem)
      return [
        invalidRendered("spec.clusterIPs", goStringSlice(ips), `failed to allocate IP ${ip}: ${problem}`),
      ];
    allocated.ips.add(parseIPv4(ip) ?? 0);
  } else {
    const offset = pickFree(
      1,
      ipStaticBand + 1,
      cidrSize - 2,
      (o) => allocated.ips.has(cidrBase + o),
      random,
    );
    if (offset === null) throw internalError("failed to allocate a serviceIP: range is full");
    allocated.ips.add(cidrBase + offset);
    ip = formatIPv4(cidrBase + offset);
  }
  spec.clusterIP = ip;
  spec.clusterIPs = [ip, ...ips.slice(1)];
  return [];
}

/** Why a requested node port cannot be had, or null when it can (and then it is taken). */
function takePort(port: number, allocated: Allocated): string | null {
  if (port < nodePortMin || port > nodePortMax)
    return `provided port is not in the valid range. The range of valid ports is ${nodePortMin}-${nodePortMax}`;
  if (allocated.nodePorts.has(port)) return "provided port is already allocated";
  allocated.nodePorts.add(port);
  return null;
}

function nextPort(allocated: Allocated, random: Random): number {
  const port = pickFree(
    nodePortMin,
    nodePortMin + portStaticBand,
    nodePortMax,
    (p) => allocated.nodePorts.has(p),
    random,
  );
  if (port === null) throw internalError("failed to allocate a nodePort: range is full");
  allocated.nodePorts.add(port);
  return port;
}

/** initNodePorts (create): requested node ports are taken, others allocated; ports with the same number share one. */
function initNodePorts(spec: ServiceSpec, allocated: Allocated, random: Random): FieldError[] {
  const ports = portsOf(spec);
  const byPort = new Map<number, number>();
  for (const [i, sp] of ports.entries()) {
    if (!sp.nodePort && !shouldAllocateNodePorts(spec)) continue;
    const number = sp.port ?? 0;
    const assigned = byPort.get(number) ?? 0;
    if (!assigned) {
      // A later port with the same number may carry the request.
      const requested = ports.find((p) => p.port === number && p.nodePort)?.nodePort ?? 0;
      if (requested) {
        const problem = takePort(requested, allocated);
        if (problem) return [invalidValue(`spec.ports[${i}].nodePort`, requested, problem)];
        sp.nodePort = requested;
      } else sp.nodePort = nextPort(allocated, random);
      byPort.set(number, sp.nodePort);
    } else if (sp.nodePort !== assigned) {
      if (!sp.nodePort) sp.nodePort = assigned;
      else {
        const problem = takePort(sp.nodePort, allocated);
        if (problem) return [invalidValue(`spec.ports[${i}].nodePort`, sp.nodePort, problem)];
      }
    }
  }
  return [];
}

/** updateNodePorts: the service keeps the node ports it held; new requests are taken, missing ones allocated. */
function updateNodePorts(
  spec: ServiceSpec,
  old: ServiceSpec,
  allocated: Allocated,
  random: Random,
): FieldError[] {
  const held = new Set(portsOf(old).map((p) => p.nodePort ?? 0));
  const takenNow = new Set<number>();
  for (const [i, sp] of portsOf(spec).entries()) {
    if (!sp.nodePort && !shouldAllocateNodePorts(spec)) continue;
    if (!sp.nodePort) sp.nodePort = nextPort(allocated, random);
    else if (!held.has(sp.nodePort) && !takenNow.has(sp.nodePort)) {
      const problem = takePort(sp.nodePort, allocated);
      if (problem) return [invalidValue(`spec.ports[${i}].nodePort`, sp.nodePort, problem)];
      takenNow.add(sp.nodePort);
    }
  }
  return [];
}

/** Node ports for a NodePort or LoadBalancer service, on create (old null) or update. Returns the field errors. */
export function allocateNodePorts(
  spec: ServiceSpec,
  old: ServiceSpec | null,
  allocated: Allocated,
  random: Random,
): FieldError[] {
  if (spec.type !== "NodePort" && spec.type !== "LoadBalancer") return [];
  return old ? updateNodePorts(spec, old, allocated, random) : initNodePorts(spec, allocated, random);
}

/** A LoadBalancer with externalTrafficPolicy Local gets a health-check node port. */
export function allocateHealthCheckNodePort(
  spec: ServiceSpec,
  old: ServiceSpec | null,
  allocated: Allocated,
  random: Random,
): void {
  if (!needsHealthCheck(spec)) return;
  const port = spec.healthCheckNodePort ?? 0;
  if (old && needsHealthCheck(old) && port === (old.healthCheckNodePort ?? 0) && port) return;
  if (!port) {
    spec.healthCheckNodePort = nextPort(allocated, random);
    return;
  }
  const problem = takePort(port, allocated);
  if (problem) throw internalError(`failed to allocate requested HealthCheck NodePort ${port}: ${problem}`);
}
