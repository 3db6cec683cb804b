import { type FieldError, forbiddenField, invalidRendered } from "../../errors.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { immutableMessage } from "../../validation/messages.ts";
import {
  clusterIPsOf,
  externallyAccessible,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  portsOf,
} from "./spec.ts";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * normalizeClusterIPs: keeps clusterIP and clusterIPs in step for clients that set only the
 * singular field (on create), or dropped the plural one or changed only the singular (on update).
 */
export function normalizeClusterIPs(spec: ServiceSpec, old: ServiceSpec | null): void {
  if (!old) {
    if (spec.clusterIP && clusterIPsOf(spec).length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  if (
    clusterIPsOf(old).length > 0 &&
    clusterIPsOf(spec).length === 0 &&
    (old.clusterIP ?? "") === (spec.clusterIP ?? "")
  )
    spec.clusterIPs = old.clusterIPs;
  if ((old.clusterIP ?? "") === (spec.clusterIP ?? "")) return;
  if (!same(old.clusterIPs, spec.clusterIPs)) return;
  if (old.clusterIP && !spec.clusterIP) delete spec.clusterIPs;
  else spec.clusterIPs = [spec.clusterIP ?? ""];
}

/**
 * patchAllocatedValues: a client that resubmits its original manifest (no clusterIP, no
 * nodePorts) keeps what the server allocated, so `kubectl replace` and apply are idempotent.
 */
export function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if (clusterIPsOf(spec).length === 0 && clusterIPsOf(old).length > 0) spec.clusterIPs = old.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const inNew = new Set(portsOf(spec).map((p) => p.nodePort ?? 0));
    const used = new Set(
      portsOf(old)
        .map((p) => p.nodePort ?? 0)
        .filter((n) => n && inNew.has(n)),
    );
    // By name: the user may have changed other properties of the port.
    const byName = new Map(portsOf(old).map((p) => [p.name ?? "", p.nodePort ?? 0]));
    for (const p of portsOf(spec)) {
      const oldValue = byName.get(p.name ?? "") ?? 0;
      if (!p.nodePort && oldValue && !used.has(oldValue)) p.nodePort = oldValue;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !spec.healthCheckNodePort && old.healthCheckNodePort)
    spec.healthCheckNodePort = old.healthCheckNodePort;
}

/**
 * dropTypeDependentFields: a type change wipes what the old type needed and the new one does
 * not (cluster IPs, node ports, …), as long as the user did not also change those fields.
 */
export function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (same(old.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(old.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (same(old.ipFamilyPolicy, spec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  const nodePorts = (s: ServiceSpec) => portsOf(s).map((p) => p.nodePort ?? 0);
  if (needsNodePort(old) && !needsNodePort(spec) && same(nodePorts(old), nodePorts(spec)))
    for (const p of portsOf(spec)) delete p.nodePort;
  if (
    needsHealthCheck(old) &&
    !needsHealthCheck(spec) &&
    old.healthCheckNodePort === spec.healthCheckNodePort
  )
    delete spec.healthCheckNodePort;
  if (
    old.type === "LoadBalancer" &&
    spec.type !== "LoadBalancer" &&
    spec.allocateLoadBalancerNodePorts != null &&
    spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts
  )
    delete spec.allocateLoadBalancerNodePorts;
  if (
    old.type === "LoadBalancer" &&
    spec.type !== "LoadBalancer" &&
    same(old.loadBalancerClass, spec.loadBalancerClass)
  )
    delete spec.loadBalancerClass;
  if (
    externallyAccessible(old) &&
    !externallyAccessible(spec) &&
    old.externalTrafficPolicy === spec.externalTrafficPolicy
  )
    delete spec.externalTrafficPolicy;
}

/** A load balancer keeps its class, and a Local one its health-check node port, once set. */
export function validateLoadBalancerUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type !== "LoadBalancer" || old.type !== "LoadBalancer") return [];
  const errors: FieldError[] = [];
  if ((spec.loadBalancerClass ?? null) !== (old.loadBalancerClass ?? null))
    errors.push(
      invalidRendered(
        "spec.loadBalancerClass",
        JSON.stringify(spec.loadBalancerClass ?? null),
        "may not change once set",
      ),
    );
  if (needsHealthCheck(spec) && needsHealthCheck(old) && spec.healthCheckNodePort !== old.healthCheckNodePort)
    errors.push(forbiddenField("spec.healthCheckNodePort", immutableMessage));
  return errors;
}
