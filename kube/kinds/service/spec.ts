import type { KubeObject } from "../../object.ts";
import type { Service, ServicePort, ServiceSpec } from "../../types/core-v1.ts";

/** The "None" clusterIP that makes a service headless. */
export const clusterIPNone = "None";

/** The spec of a Service object, created empty when absent (for the hooks that take any object). */
export function serviceSpec(obj: KubeObject): ServiceSpec {
  if (typeof obj.spec !== "object" || obj.spec === null) obj.spec = {};
  // Decoding (and defaultService's shape check) left an object of ServiceSpec's shape here.
  return obj.spec as ServiceSpec;
}

/** The spec of a Service, created empty when absent. */
export function specOf(service: Service): ServiceSpec {
  service.spec ??= {};
  return service.spec;
}

/** The ports as a list (an absent list is empty). */
export function portsOf(spec: ServiceSpec): ServicePort[] {
  return Array.isArray(spec.ports) ? spec.ports : [];
}

/** clusterIPs as a list (absent is empty). */
export function clusterIPsOf(spec: ServiceSpec): string[] {
  return Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
}

/** isHeadlessService: exactly one clusterIP, and it is "None". */
export function isHeadless(spec: ServiceSpec): boolean {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === clusterIPNone;
}

/** Every type but ExternalName gets a cluster IP (or "None"). */
export function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== "ExternalName";
}

/** NodePort and LoadBalancer services get node ports. */
export function needsNodePort(spec: ServiceSpec): boolean {
  return spec.type === "NodePort" || spec.type === "LoadBalancer";
}

/** ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with external IPs. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return (
    spec.type === "LoadBalancer" ||
    spec.type === "NodePort" ||
    (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0)
  );
}

/** NeedsHealthCheck: a LoadBalancer that keeps traffic on the receiving node. */
export function needsHealthCheck(spec: ServiceSpec): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** Whether a port's node port should be allocated when it has none (allocateLoadBalancerNodePorts). */
export function shouldAllocateNodePorts(spec: ServiceSpec): boolean {
  if (spec.type === "NodePort") return true;
  return spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false;
}
