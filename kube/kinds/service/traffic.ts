import { type FieldError, invalidValue, notSupported, required } from "../../errors.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { validatePortNumber } from "../../validation/ports.ts";

const trafficPolicies = ["Cluster", "Local"];

function externalTrafficPolicy(spec: ServiceSpec, accessible: boolean): FieldError[] {
  const policy = spec.externalTrafficPolicy;
  if (!accessible)
    return policy
      ? [
          invalidValue(
            "spec.externalTrafficPolicy",
            policy,
            "may only be set for externally-accessible services",
          ),
        ]
      : [];
  if (!policy) return [required("spec.externalTrafficPolicy")];
  if (!trafficPolicies.includes(policy))
    return [notSupported("spec.externalTrafficPolicy", policy, trafficPolicies)];
  return [];
}

function healthCheckNodePort(spec: ServiceSpec, needsHealthCheck: boolean): FieldError[] {
  const port = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck)
    return port
      ? [
          invalidValue(
            "spec.healthCheckNodePort",
            port,
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
          ),
        ]
      : [];
  // Required in the API server too, but allocation fills it before its validation runs.
  if (!port) return [];
  return validatePortNumber(port, "spec.healthCheckNodePort");
}

function internalTrafficPolicy(spec: ServiceSpec): FieldError[] {
  const policy = spec.internalTrafficPolicy;
  if (policy == null)
    return ["NodePort", "LoadBalancer", "ClusterIP"].includes(spec.type ?? "")
      ? [required("spec.internalTrafficPolicy")]
      : [];
  return trafficPolicies.includes(policy)
    ? []
    : [notSupported("spec.internalTrafficPolicy", policy, trafficPolicies)];
}

/**
 * The traffic fields of ValidateService: externalTrafficPolicy only on externally reachable
 * services, healthCheckNodePort only for Local load balancers, internalTrafficPolicy, and
 * trafficDistribution.
 */
export function validateTrafficPolicies(
  spec: ServiceSpec,
  accessible: boolean,
  needsHealthCheck: boolean,
): FieldError[] {
  const errors = [
    ...externalTrafficPolicy(spec, accessible),
    ...healthCheckNodePort(spec, needsHealthCheck),
    ...internalTrafficPolicy(spec),
  ];
  if (spec.trafficDistribution != null && spec.trafficDistribution !== "PreferClose")
    errors.push(notSupported("spec.trafficDistribution", spec.trafficDistribution, ["PreferClose"]));
  return errors;
}
