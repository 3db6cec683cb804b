import { type FieldError, forbiddenField, invalidRendered, invalidValue, required } from "../../../errors.ts";
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  goQuantity,
  type Quantity,
  quantityMilliValue,
  tryQuantity,
} from "../../../quantity/quantity.ts";
import {
  isHugePageResourceName,
  isIntegerResourceName,
  isOvercommitAllowed,
  validateContainerResourceName,
} from "../../../quantity/resource-names.ts";
import { type Json, record, records } from "../../../validation/json.ts";
import { isNegativeMessage } from "../../../validation/messages.ts";

/** ValidateResourceQuantityValue: not negative, and whole for integer resources. */
function validateQuantity(name: string, q: Quantity | null, field: string): FieldError[] {
  if (!q) return [];
  if (q.nanos < 0n) return [invalidValue(field, formatQuantity(q), isNegativeMessage)];
  if (isIntegerResourceName(name) && quantityMilliValue(q) % 1000n !== 0n)
    return [invalidRendered(field, goQuantity(q, false), "must be an integer")];
  return [];
}

/**
 * ValidateContainerResourceRequirements: names and quantities of limits and requests, and each
 * request at most its limit ("must be less than or equal to cpu limit of 1").
 */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const r = record(resources);
  const limits = record(r.limits);
  const requests = record(r.requests);
  const errors: FieldError[] = [];
  let cpuOrMemory = false;
  let hugePages = false;
  const note = (name: string) => {
    if (name === "cpu" || name === "memory") cpuOrMemory = true;
    if (isHugePageResourceName(name)) hugePages = true;
  };
  for (const [name, value] of Object.entries(limits)) {
    const at = `${path}.limits[${name}]`;
    errors.push(
      ...validateContainerResourceName(name, at),
      ...validateQuantity(name, tryQuantity(value), at),
    );
    note(name);
  }
  for (const [name, value] of Object.entries(requests)) {
    const at = `${path}.requests[${name}]`;
    const request = tryQuantity(value);
    errors.push(...validateContainerResourceName(name, at), ...validateQuantity(name, request, at));
    const limit = Object.hasOwn(limits, name) ? tryQuantity(limits[name]) : null;
    if (request && limit) {
      const shown = formatQuantity(request);
      if (compareQuantities(request, limit) !== 0 && !isOvercommitAllowed(name))
        errors.push(
          invalidValue(
            `${path}.requests`,
            shown,
            `must be equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      else if (compareQuantities(request, limit) > 0)
        errors.push(
          invalidValue(
            `${path}.requests`,
            shown,
            `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
    } else if (!Object.hasOwn(limits, name) && !isOvercommitAllowed(name))
      errors.push(required(`${path}.limits`, "Limit must be set for non overcommitable resources"));
    note(name);
  }
  if (hugePages && !cpuOrMemory) errors.push(forbiddenField(path, "HugePages require cpu or memory"));
  return errors;
}

/** Adds a container's positive cpu and memory quantities of one list into `into`; returns their names. */
function addCompute(list: unknown, into: Map<string, Quantity>): Set<string> {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(record(list))) {
    const q = tryQuantity(value);
    if ((name !== "cpu" && name !== "memory") || !q || q.nanos <= 0n) continue;
    found.add(name);
    const sum = into.get(name);
    into.set(name, sum ? addQuantities(sum, q) : q);
  }
  return found;
}

/**
 * The pod's QoS class as the API server computes it (qos.ComputePodQOS): BestEffort without any
 * cpu or memory request or limit, Guaranteed when every container limits both and the summed
 * requests equal the summed limits, Burstable otherwise.
 */
export function podQOSClass(spec: Json): "Guaranteed" | "Burstable" | "BestEffort" {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...records(spec.containers), ...records(spec.initContainers)]) {
    const res = record(c.resources);
    addCompute(res.requests, requests);
    if (addCompute(res.limits, limits).size < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed)
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || compareQuantities(limit, request) !== 0) guaranteed = false;
    }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}
