import {
  duplicate,
  type FieldError,
  forbiddenField,
  invalidValue,
  notSupported,
  required,
} from "../../errors.ts";
import { isValidIP, specialIPProblems } from "../../go/ip.ts";
import { goServicePortKey } from "../../go/values.ts";
import { qualifiedNameProblems, validateLabels } from "../../meta/labels.ts";
import { dns1123SubdomainProblems } from "../../meta/names.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { validateClusterIPsRelatedFields } from "./cluster-ips.ts";
import { validateServicePort } from "./ports.ts";
import { clusterIPsOf, externallyAccessible, isHeadless, needsHealthCheck, portsOf } from "./spec.ts";
import { validateTrafficPolicies } from "./traffic.ts";

/** The service types, sorted as the API server lists them. */
export const supportedServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const supportedSessionAffinities = ["ClientIP", "None"];
const maxClientIPTimeoutSeconds = 86400;

function typeSpecific(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  if ((spec.type === "LoadBalancer" || spec.type === "NodePort") && isHeadless(spec))
    errors.push(
      invalidValue(
        "spec.clusterIPs[0]",
        clusterIPsOf(spec)[0],
        `may not be set to 'None' for ${spec.type} services`,
      ),
    );
  if (spec.type !== "ExternalName") return errors;
  if (clusterIPsOf(spec).length)
    errors.push(forbiddenField("spec.clusterIPs", "may not be set for ExternalName services"));
  if (spec.ipFamilies?.length)
    errors.push(forbiddenField("spec.ipFamilies", "may not be set for ExternalName services"));
  if (spec.ipFamilyPolicy != null)
    errors.push(forbiddenField("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
  // The value (a CNAME) may have a trailing dot to mark it fully qualified.
  const cname = (spec.externalName ?? "").replace(/\.$/, "");
  if (!cname) errors.push(required("spec.externalName"));
  else
    for (const p of dns1123SubdomainProblems(cname)) errors.push(invalidValue("spec.externalName", cname, p));
  return errors;
}

function sessionAffinity(spec: ServiceSpec): FieldError[] {
  if (!spec.sessionAffinity) return [required("spec.sessionAffinity")];
  if (!supportedSessionAffinities.includes(spec.sessionAffinity))
    return [notSupported("spec.sessionAffinity", spec.sessionAffinity, supportedSessionAffinities)];
  if (spec.sessionAffinity === "None" && spec.sessionAffinityConfig)
    return [forbiddenField("spec.sessionAffinityConfig", "must not be set when session affinity is None")];
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (
    spec.sessionAffinity === "ClientIP" &&
    timeout !== undefined &&
    (timeout <= 0 || timeout > maxClientIPTimeoutSeconds)
  )
    return [
      invalidValue(
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
        timeout,
        `must be greater than 0 and less than ${maxClientIPTimeoutSeconds}`,
      ),
    ];
  return [];
}

function externalIPs(spec: ServiceSpec): FieldError[] {
  return (spec.externalIPs ?? []).flatMap((ip, i) => {
    const field = `spec.externalIPs[${i}]`;
    if (!isValidIP(ip))
      return [invalidValue(field, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")];
    return specialIPProblems(ip).map((p) => invalidValue(field, ip, p));
  });
}

/** Node ports only where they mean something, and no (protocol, port) or (protocol, nodePort) twice. */
function portUniqueness(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  const ports = portsOf(spec);
  if (spec.type === "ClusterIP")
    ports.forEach((p, i) => {
      if (p.nodePort)
        errors.push(
          forbiddenField(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"),
        );
    });
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errors.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key))
      errors.push(duplicate(`spec.ports[${i}]`, key, goServicePortKey(p.protocol ?? "", p.port ?? 0)));
    seen.add(key);
  });
  return errors;
}

function loadBalancerFields(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  const onlyLB = "may only be used when `type` is 'LoadBalancer'";
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length) {
    // The API server spells this path with a capital L.
    if (spec.type !== "LoadBalancer") errors.push(forbiddenField("spec.LoadBalancerSourceRanges", onlyLB));
    ranges.forEach((r, i) => {
      const [ip, bits, extra] = r.trim().split("/");
      const max = ip?.includes(":") ? 128 : 32;
      if (!ip || !isValidIP(ip) || !bits || !/^\d+$/.test(bits) || Number(bits) > max || extra !== undefined)
        errors.push(
          invalidValue(
            `spec.LoadBalancerSourceRanges[${i}]`,
            r.trim(),
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
          ),
        );
    });
  }
  if (spec.allocateLoadBalancerNodePorts != null && spec.type !== "LoadBalancer")
    errors.push(forbiddenField("spec.allocateLoadBalancerNodePorts", onlyLB));
  if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts == null)
    errors.push(required("allocateLoadBalancerNodePorts"));
  if (spec.loadBalancerClass != null) {
    if (spec.type !== "LoadBalancer") errors.push(forbiddenField("spec.loadBalancerClass", onlyLB));
    else
      for (const p of qualifiedNameProblems(spec.loadBalancerClass))
        errors.push(invalidValue("spec.loadBalancerClass", spec.loadBalancerClass, p));
  }
  return errors;
}

/** ValidateService without the object metadata: the spec rules, in the API server's order. */
export function validateServiceSpec(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  const ports = portsOf(spec);
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName")
    errors.push(required("spec.ports"));
  errors.push(...typeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    errors.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`));
  });
  if (spec.selector != null) errors.push(...validateLabels(spec.selector, "spec.selector"));
  errors.push(...sessionAffinity(spec));
  errors.push(...validateClusterIPsRelatedFields(spec));
  errors.push(...externalIPs(spec));
  if (!spec.type) errors.push(required("spec.type"));
  else if (!supportedServiceTypes.includes(spec.type))
    errors.push(notSupported("spec.type", spec.type, supportedServiceTypes));
  errors.push(...portUniqueness(spec));
  errors.push(...loadBalancerFields(spec));
  errors.push(...validateTrafficPolicies(spec, externallyAccessible(spec), needsHealthCheck(spec)));
  return errors;
}
