import {
  duplicate,
  type FieldError,
  invalidRendered,
  invalidValue,
  notSupported,
  required,
} from "../../errors.ts";
import { ipFamilyOf } from "../../go/ip.ts";
import { goStringSlice } from "../../go/values.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { clusterIPNone, clusterIPsOf, isHeadless } from "./spec.ts";

/** The IP families a service may name, sorted as the API server lists them. */
export const supportedIPFamilies = ["IPv4", "IPv6"];
/** The IP family policies a service may name, sorted likewise. */
export const supportedIPFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"];

const field = "spec.clusterIPs";

/** clusterIP and clusterIPs agree: the first of clusterIPs is clusterIP, both or neither set. */
function syncErrors(spec: ServiceSpec, ips: string[]): FieldError[] {
  if (spec.clusterIP) {
    if (ips.length === 0) return [required(field)];
    if (ips[0] !== spec.clusterIP)
      return [invalidRendered(field, goStringSlice(ips), "first value must match `clusterIP`")];
    return [];
  }
  if (ips.length)
    return [invalidRendered(field, goStringSlice(ips), "must be empty when `clusterIP` is not specified")];
  return [];
}

function familyErrors(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (!supportedIPFamilies.includes(family))
      errors.push(notSupported(`spec.ipFamilies[${i}]`, family, supportedIPFamilies));
    if (seen.has(family)) errors.push(duplicate(`spec.ipFamilies[${i}]`, family));
    seen.add(family);
  });
  if (spec.ipFamilyPolicy != null && !supportedIPFamilyPolicies.includes(spec.ipFamilyPolicy))
    errors.push(notSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, supportedIPFamilyPolicies));
  return errors;
}

/**
 * ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs in sync, valid families and policy,
 * valid IPs ("None" only alone), at most one IP per family, and IPs matching their families.
 */
export function validateClusterIPsRelatedFields(spec: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const ips = clusterIPsOf(spec);
  const errors = [...syncErrors(spec, ips), ...familyErrors(spec)];
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === clusterIPNone) {
      if (ips.length > 1) {
        invalidIPs = true;
        errors.push(invalidRendered(field, goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    if (ipFamilyOf(ip) === null) {
      invalidIPs = true;
      errors.push(
        invalidValue(`${field}[${i}]`, ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
      );
    }
  });
  if (ips.length > 2) errors.push(invalidRendered(field, goStringSlice(ips), "may only hold up to 2 values"));
  if (invalidIPs) return errors;
  if (ips.length > 1 && (ips.length !== 2 || ipFamilyOf(ips[0] ?? "") === ipFamilyOf(ips[1] ?? "")))
    errors.push(
      invalidRendered(field, goStringSlice(ips), "may specify no more than one IP for each IP family"),
    );
  if (!isHeadless(spec))
    ips.forEach((ip, i) => {
      const family = spec.ipFamilies?.[i];
      if (!family) return;
      const actual = ipFamilyOf(ip);
      if (family === "IPv4" && actual === "IPv6")
        errors.push(
          invalidValue(`${field}[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``),
        );
      if (family === "IPv6" && actual !== "IPv6")
        errors.push(
          invalidValue(`${field}[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``),
        );
    });
  return errors;
}

/** validateUpgradeDowngradeClusterIPs: a cluster IP, once set, stays (unless to/from ExternalName). */
export function validateClusterIPsUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(spec) && isHeadless(old)) return [];
  const ips = clusterIPsOf(spec);
  const oldIPs = clusterIPsOf(old);
  const changed = (i: number) =>
    invalidRendered(`${field}[${i}]`, goStringSlice(ips), "may not change once set");
  const errors: FieldError[] = [];
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errors.push(changed(i));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0)
      errors.push(
        invalidRendered(`${field}[0]`, goStringSlice(spec.clusterIPs), "primary clusterIP can not be unset"),
      );
    else if (ips[0] !== oldIPs[0]) errors.push(changed(0));
    if (ips.length === 1 && spec.ipFamilyPolicy !== "SingleStack")
      errors.push(
        invalidValue(
          "spec.ipFamilyPolicy",
          spec.ipFamilyPolicy ?? null,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) errors.push(changed(0));
  return errors;
}

/** validateUpgradeDowngradeIPFamilies: the primary family stays (headless services may change). */
export function validateIPFamiliesUpdate(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(spec) || isHeadless(old)) return [];
  const families = spec.ipFamilies ?? [];
  const oldFamilies = old.ipFamilies ?? [];
  const changed = () =>
    invalidRendered(
      "spec.ipFamilies[0]",
      goStringSlice(families, "core.IPFamily"),
      "may not change once set",
    );
  if (families.length === oldFamilies.length)
    return oldFamilies.some((f, i) => f !== families[i]) ? [changed()] : [];
  if (families.length > 0 && oldFamilies.length > 0 && families[0] !== oldFamilies[0]) return [changed()];
  return [];
}
