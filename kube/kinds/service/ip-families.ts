import { type FieldError, invalidRendered, invalidValue } from "../../errors.ts";
import { ipFamilyOf } from "../../go/ip.ts";
import { goStringSlice } from "../../go/values.ts";
import type { ServiceSpec } from "../../types/core-v1.ts";
import { validateClusterIPsRelatedFields } from "./cluster-ips.ts";
import { clusterIPNone, clusterIPsOf } from "./spec.ts";

/** The one family a sandbox's service network has: 10.96.0.0/12 is single-stack IPv4. */
export const clusterIPFamily = "IPv4";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

function reduced(now: unknown[] | undefined, before: unknown[] | undefined): boolean {
  return (now?.length ?? 0) > 0 && (now?.length ?? 0) < (before?.length ?? 0);
}

function defaultPolicy(spec: ServiceSpec, old: ServiceSpec | null): string {
  if (old?.ipFamilyPolicy) return old.ipFamilyPolicy;
  // Headless services without a selector are dual-stack by default: their endpoints are manual.
  if (spec.clusterIP === clusterIPNone && Object.keys(spec.selector ?? {}).length === 0)
    return "RequireDualStack";
  return "SingleStack";
}

function updateChecks(spec: ServiceSpec, old: ServiceSpec): FieldError[] {
  if (spec.ipFamilyPolicy === "SingleStack") {
    // Same IPs and families plus SingleStack is clear intent to drop the secondary ones.
    if (same(old.clusterIPs, spec.clusterIPs) && clusterIPsOf(spec).length > 1)
      spec.clusterIPs = clusterIPsOf(spec).slice(0, 1);
    if (same(old.ipFamilies, spec.ipFamilies) && (spec.ipFamilies?.length ?? 0) > 1)
      spec.ipFamilies = spec.ipFamilies?.slice(0, 1);
    return [];
  }
  const errors: FieldError[] = [];
  if (reduced(spec.clusterIPs, old.clusterIPs))
    errors.push(
      invalidValue(
        "spec.ipFamilyPolicy",
        spec.ipFamilyPolicy,
        "must be 'SingleStack' to release the secondary cluster IP",
      ),
    );
  if (reduced(spec.ipFamilies, old.ipFamilies))
    errors.push(
      invalidValue(
        "spec.ipFamilyPolicy",
        spec.ipFamilyPolicy,
        "must be 'SingleStack' to release the secondary IP family",
      ),
    );
  return errors;
}

function policyChecks(spec: ServiceSpec): FieldError[] {
  if (spec.ipFamilyPolicy !== "SingleStack") return [];
  const errors: FieldError[] = [];
  const detail = (what: string) =>
    `must be 'RequireDualStack' or 'PreferDualStack' when multiple ${what} are specified`;
  if (clusterIPsOf(spec).length === 2)
    errors.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy, detail("cluster IPs")));
  if (spec.ipFamilies?.length === 2)
    errors.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy, detail("IP families")));
  return errors;
}

/** Adds the family of each requested IP that ipFamilies does not name yet. */
function inferFamilies(spec: ServiceSpec): FieldError[] {
  const errors: FieldError[] = [];
  const ips = clusterIPsOf(spec);
  for (const [i, ip] of ips.entries()) {
    if (ip === clusterIPNone) break;
    const family = ipFamilyOf(ip) ?? clusterIPFamily;
    if (i < (spec.ipFamilies?.length ?? 0)) continue;
    if (family !== clusterIPFamily)
      errors.push(
        invalidRendered(
          `spec.clusterIPs[${i}]`,
          goStringSlice(ips),
          `${family} is not configured on this cluster`,
        ),
      );
    else spec.ipFamilies = [...(spec.ipFamilies ?? []), family];
  }
  return errors;
}

/**
 * initIPFamilyFields for a single-stack IPv4 cluster: defaults ipFamilyPolicy and ipFamilies,
 * and refuses families or dual-stack demands the cluster cannot meet. Returns the field errors
 * (a 422); mutates the spec.
 */
export function initIPFamilyFields(spec: ServiceSpec, old: ServiceSpec | null): FieldError[] {
  if (spec.type === "ExternalName") return [];
  spec.ipFamilyPolicy ??= defaultPolicy(spec, old);
  const pre = validateClusterIPsRelatedFields(spec);
  if (pre.length) return pre;
  const errors = [...(old ? updateChecks(spec, old) : []), ...policyChecks(spec), ...inferFamilies(spec)];
  if (errors.length) return errors;
  if (spec.clusterIP === clusterIPNone && Object.keys(spec.selector ?? {}).length === 0) {
    spec.ipFamilies = spec.ipFamilies?.length ? spec.ipFamilies : [clusterIPFamily];
    if (spec.ipFamilies.length < 2 && spec.ipFamilyPolicy !== "SingleStack")
      spec.ipFamilies = [...spec.ipFamilies, spec.ipFamilies[0] === "IPv4" ? "IPv6" : "IPv4"];
    return [];
  }
  if (spec.ipFamilyPolicy === "RequireDualStack")
    errors.push(
      invalidValue(
        "spec.ipFamilyPolicy",
        spec.ipFamilyPolicy,
        "this cluster is not configured for dual-stack services",
      ),
    );
  (spec.ipFamilies ?? []).forEach((family, i) => {
    if (family !== clusterIPFamily)
      errors.push(invalidValue(`spec.ipFamilies[${i}]`, family, "not configured on this cluster"));
  });
  if (errors.length) return errors;
  if (!spec.ipFamilies?.length) spec.ipFamilies = [clusterIPFamily];
  return [];
}
