import { type FieldError, invalidValue } from "../errors.ts";
import { qualifiedNameProblems } from "../meta/labels.ts";

/**
 * Resource names ("cpu", "requests.memory", "count/pods", "example.com/gpu") as the core API's
 * helpers classify them, and the validations LimitRange and ResourceQuota run on them.
 */

const computeResources = ["cpu", "memory", "ephemeral-storage"];
const scopedComputeResources = [
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
];
const objectCountResources = [
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
];
const standardQuotaResources = new Set([
  ...computeResources,
  ...scopedComputeResources,
  "requests.storage",
  ...objectCountResources,
]);
const standardResources = new Set([...standardQuotaResources, "storage"]);
const standardLimitRangeTypes = new Set(["Pod", "Container", "PersistentVolumeClaim"]);

/** "hugepages-2Mi": a huge page size a container can ask for. */
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith("hugepages-");
}

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
}

/** In the kubernetes.io/ namespace: unprefixed, or prefixed with it. */
export function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** A device-plugin resource ("example.com/gpu"): not native, and a valid quota name as "requests.<name>". */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith("requests.")) return false;
  return qualifiedNameProblems(`requests.${name}`).length === 0;
}

/** Whether requests may be below limits (not for huge pages and extended resources). */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

/** Resources counted in whole numbers, whose quotas must be integers. */
export function isIntegerResourceName(name: string): boolean {
  return objectCountResources.includes(name) || isExtendedResourceName(name);
}

/** The resource names quotas track without a "/" (count/<resource> names carry one). */
export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePageResourceName(name);
}

function qualifiedNameErrors(value: string, field: string): FieldError[] {
  return qualifiedNameProblems(value).map((p) => invalidValue(field, value, p));
}

/** validateResourceName: a qualified name, and a standard one unless fully qualified. */
export function validateResourceName(value: string, field: string): FieldError[] {
  const errors = qualifiedNameErrors(value, field);
  if (errors.length) return errors;
  if (!value.includes("/") && !(standardResources.has(value) || isQuotaHugePageResourceName(value)))
    return [invalidValue(field, value, "must be a standard resource type or fully qualified")];
  return [];
}

/** validateContainerResourceName: what a container (or a LimitRange for one) may name. */
export function validateContainerResourceName(value: string, field: string): FieldError[] {
  const errors = validateResourceName(value, field);
  if (!value.includes("/")) {
    if (!computeResources.includes(value) && !isHugePageResourceName(value))
      errors.push(invalidValue(field, value, "must be a standard resource for containers"));
  } else if (!isNativeResource(value) && !isExtendedResourceName(value))
    errors.push(invalidValue(field, value, "doesn't follow extended resource name standard"));
  return errors;
}

/** ValidateResourceQuotaResourceName: a resource name a quota may limit. */
export function validateQuotaResourceName(value: string, field: string): FieldError[] {
  const errors = validateResourceName(value, field);
  if (!value.includes("/") && !isStandardQuotaResourceName(value))
    errors.push(invalidValue(field, value, "must be a standard resource for quota"));
  return errors;
}

/** validateLimitRangeTypeName: Pod, Container, PersistentVolumeClaim, or a fully qualified type. */
export function validateLimitRangeType(value: string, field: string): FieldError[] {
  const errors = qualifiedNameErrors(value, field);
  if (errors.length) return errors;
  if (!value.includes("/") && !standardLimitRangeTypes.has(value))
    return [invalidValue(field, value, "must be a standard limit type or fully qualified")];
  return [];
}

/** validateLimitRangeResourceName: container rules for Pod and Container items, general ones otherwise. */
export function validateLimitRangeResourceName(type: string, value: string, field: string): FieldError[] {
  return type === "Pod" || type === "Container"
    ? validateContainerResourceName(value, field)
    : validateResourceName(value, field);
}
