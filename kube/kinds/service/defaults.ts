import { badRequest } from "../../errors.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { externallyAccessible, portsOf, serviceSpec } from "./spec.ts";

/** v1.DefaultClientIPServiceAffinitySeconds: three hours. */
const defaultClientIPTimeoutSeconds = 10800;

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

function typeError(goField: string, value: unknown, goType: string): Error {
  const shown = typeof value === "number" ? `number ${value}` : jsonKind(value);
  return badRequest(
    `Service in version "v1" cannot be handled as a Service: json: cannot unmarshal ${shown} into Go struct field ${goField} of type ${goType}`,
  );
}

/**
 * Refuses what decoding into the Go ServiceSpec would refuse (a 400, not a 422): ports that are
 * not a list of objects, port numbers that are not int32, a targetPort that is neither.
 */
function checkShape(spec: Record<string, unknown>): void {
  if (spec.ports === undefined || spec.ports === null) return;
  if (!Array.isArray(spec.ports)) throw typeError("ServiceSpec.spec.ports", spec.ports, "[]v1.ServicePort");
  for (const p of spec.ports) {
    if (!isPlainObject(p)) throw typeError("ServiceSpec.spec.ports", p, "v1.ServicePort");
    for (const f of ["port", "nodePort"])
      if (p[f] !== undefined && !Number.isInteger(p[f]))
        throw typeError(`ServicePort.spec.ports.${f}`, p[f], "int32");
    const tp = p.targetPort;
    if (tp !== undefined && typeof tp !== "string" && !Number.isInteger(tp))
      throw typeError("ServicePort.spec.ports.targetPort", tp, "intstr.IntOrString");
    for (const f of ["name", "protocol"])
      if (p[f] !== undefined && typeof p[f] !== "string")
        throw typeError(`ServicePort.spec.ports.${f}`, p[f], "string");
  }
}

function defaultPorts(spec: ServiceSpec): void {
  for (const p of portsOf(spec)) {
    p.protocol ||= "TCP";
    // A missing, zero or empty targetPort means "the same as port".
    if (p.targetPort == null || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port ?? 0;
  }
}

/** SetDefaults_Service, run on every decoded Service (create and update). */
export function defaultService(obj: KubeObject): void {
  if (obj.spec !== undefined && obj.spec !== null && !isPlainObject(obj.spec))
    throw typeError("Service.spec", obj.spec, "v1.ServiceSpec");
  const spec = serviceSpec(obj);
  checkShape(spec as Record<string, unknown>);
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == null)
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPTimeoutSeconds } };
  spec.type ||= "ClusterIP";
  defaultPorts(spec);
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = "Cluster";
  if (spec.internalTrafficPolicy == null && ["NodePort", "LoadBalancer", "ClusterIP"].includes(spec.type))
    spec.internalTrafficPolicy = "Cluster";
  if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts == null)
    spec.allocateLoadBalancerNodePorts = true;
}
