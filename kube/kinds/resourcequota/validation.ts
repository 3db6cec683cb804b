import { type FieldError, invalidRendered, invalidValue, required } from "../../errors.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import { formatQuantity, goQuantity } from "../../quantity/quantity.ts";
import { readResourceList } from "../../quantity/resource-list.ts";
import {
  isIntegerResourceName,
  isStandardQuotaResourceName,
  validateQuotaResourceName,
} from "../../quantity/resource-names.ts";
import { record } from "../../validation/json.ts";
import { immutableMessage, isNegativeMessage } from "../../validation/messages.ts";

const standardScopes = new Set([
  "Terminating",
  "NotTerminating",
  "BestEffort",
  "NotBestEffort",
  "PriorityClass",
  "CrossNamespacePodAffinity",
]);
const podCompute = new Set([
  "cpu",
  "memory",
  "limits.cpu",
  "limits.memory",
  "requests.cpu",
  "requests.memory",
]);
const conflictingScopes = [
  ["BestEffort", "NotBestEffort"],
  ["Terminating", "NotTerminating"],
];

/** The scopes of a quota's spec. */
export function quotaScopes(obj: KubeObject): string[] {
  const scopes = record(obj.spec).scopes;
  return Array.isArray(scopes) ? scopes.map(String) : [];
}

/** Go's `%#v` of a []core.ResourceQuotaScope, as the scope errors print it. */
function goScopes(scopes: unknown): string {
  if (!Array.isArray(scopes)) return "[]core.ResourceQuotaScope(nil)";
  return `[]core.ResourceQuotaScope{${scopes.map((s) => JSON.stringify(String(s))).join(", ")}}`;
}

/** IsResourceQuotaScopeValidForResource: pod scopes limit only pod counts and pod compute. */
function scopeFitsResource(scope: string, resource: string): boolean {
  if (scope === "BestEffort") return resource === "pods";
  if (standardScopes.has(scope)) return resource === "pods" || podCompute.has(resource);
  return true;
}

/** ValidateResourceQuantityValue: not negative, and whole for counted resources. */
function validateQuantityValue(name: string, value: unknown, field: string): FieldError[] {
  const q = readResourceList({ [name]: value }).get(name);
  if (!q) return [];
  const errors: FieldError[] = [];
  if (q.nanos < 0n) errors.push(invalidValue(field, formatQuantity(q), isNegativeMessage));
  if (isIntegerResourceName(name) && q.nanos % 10n ** 9n !== 0n)
    errors.push(invalidRendered(field, goQuantity(q, false), "must be an integer"));
  return errors;
}

/** A ResourceList of a quota (spec.hard, status.hard, status.used): names and values. */
function validateQuotaList(list: unknown, path: string): FieldError[] {
  return Object.entries(record(list)).flatMap(([name, value]) => [
    ...validateQuotaResourceName(name, `${path}[${name}]`),
    ...validateQuantityValue(name, value, `${path}[${name}]`),
  ]);
}

function validateScopes(spec: Record<string, unknown>, hard: string[]): FieldError[] {
  const scopes = Array.isArray(spec.scopes) ? spec.scopes.map(String) : [];
  const errors: FieldError[] = [];
  const rendered = goScopes(spec.scopes);
  for (const scope of scopes) {
    if (!standardScopes.has(scope))
      errors.push(invalidRendered("spec.scopes", rendered, "unsupported scope"));
    for (const name of hard)
      if (isStandardQuotaResourceName(name) && !scopeFitsResource(scope, name))
        errors.push(invalidRendered("spec.scopes", rendered, "unsupported scope applied to resource"));
  }
  for (const pair of conflictingScopes)
    if (pair.every((s) => scopes.includes(s)))
      errors.push(invalidRendered("spec.scopes", rendered, "conflicting scopes"));
  return errors;
}

function validateScopeSelector(spec: Record<string, unknown>, hard: string[]): FieldError[] {
  if (!isPlainObject(spec.scopeSelector)) return [];
  const path = "spec.scopeSelector.matchExpressions";
  const errors: FieldError[] = [];
  const exprs = Array.isArray(spec.scopeSelector.matchExpressions) ? spec.scopeSelector.matchExpressions : [];
  for (const raw of exprs) {
    const e = record(raw);
    const scope = String(e.scopeName ?? "");
    const op = String(e.operator ?? "");
    const values = Array.isArray(e.values) ? e.values : [];
    if (!standardScopes.has(scope))
      errors.push(invalidValue(`${path}.scopeName`, scope, "unsupported scope"));
    if (scope !== "PriorityClass" && standardScopes.has(scope) && op !== "Exists")
      errors.push(
        invalidValue(
          `${path}.operator`,
          op,
          "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        ),
      );
    if (hard.some((name) => isStandardQuotaResourceName(name) && !scopeFitsResource(scope, name)))
      errors.push(invalidRendered(path, "core.ScopeSelector{…}", "unsupported scope applied to resource"));
    if (op === "In" || op === "NotIn") {
      if (!values.length)
        errors.push(
          required(
            `${path}.values`,
            "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
          ),
        );
    } else if (op === "Exists" || op === "DoesNotExist") {
      if (values.length)
        errors.push(
          invalidValue(
            `${path}.values`,
            values,
            "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
          ),
        );
    } else errors.push(invalidValue(`${path}.operator`, op, "not a valid selector operator"));
  }
  return errors;
}

/** ValidateResourceQuota, less the object metadata: spec.hard, scopes, selector, and status. */
export function validateResourceQuota(obj: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const status = record(obj.status);
  const hard = Object.keys(record(spec.hard)).sort();
  return [
    ...validateQuotaList(spec.hard, "spec.hard"),
    ...validateScopes(spec, hard),
    ...validateScopeSelector(spec, hard),
    ...validateQuotaList(status.hard, "status.hard"),
    ...validateQuotaList(status.used, "status.used"),
  ];
}

/** ValidateResourceQuotaUpdate's own rule: the scopes cannot change. */
export function validateResourceQuotaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const now = new Set(quotaScopes(obj));
  const before = new Set(quotaScopes(old));
  if (now.size === before.size && [...now].every((s) => before.has(s))) return [];
  return [invalidRendered("spec.scopes", goScopes(record(obj.spec).scopes), immutableMessage)];
}
