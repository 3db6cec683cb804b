import { badRequest } from "../errors.ts";
import { isPlainObject, type KubeObject } from "../object.ts";
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  newQuantity,
  parseQuantityExact,
  type Quantity,
  QuantityError,
  roundUpQuantity,
  subtractQuantities,
} from "./quantity.ts";

/**
 * core/v1 ResourceList ({"cpu": "500m", "memory": "1Gi"}) as exact quantities, and the
 * arithmetic the quota system does on it (pkg/quota/v1 resources.go).
 */
export type ResourceList = Map<string, Quantity>;

/** Reads a JSON ResourceList; entries that are not quantities are left out. */
export function readResourceList(json: unknown): ResourceList {
  const list: ResourceList = new Map();
  if (!isPlainObject(json)) return list;
  for (const [name, value] of Object.entries(json)) {
    try {
      list.set(name, parseQuantityExact(value));
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
    }
  }
  return list;
}

/** A ResourceList as JSON, keys sorted as Go marshals a map. */
export function writeResourceList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...list.keys()].sort()) out[name] = formatQuantity(list.get(name) as Quantity);
  return out;
}

/**
 * Decodes a ResourceList field in place as the API server does: each value parsed (a malformed
 * one fails the request with the decoder's 400), rounded up to milli units
 * (SetDefaults_ResourceList), and written back in its canonical form. Keys keep their order, so
 * an update that changes nothing compares equal to what is stored.
 */
export function decodeResourceList(owner: Record<string, unknown>, key: string, obj: KubeObject): void {
  const json = owner[key];
  if (json === undefined) return;
  if (json === null) {
    delete owner[key];
    return;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(isPlainObject(json) ? json : {})) {
    try {
      out[name] = formatQuantity(roundUpQuantity(parseQuantityExact(value ?? "0"), -3));
    } catch (err) {
      if (!(err instanceof QuantityError)) throw err;
      throw badRequest(`${obj.kind} in version "v1" cannot be handled as a ${obj.kind}: ${err.message}`);
    }
  }
  owner[key] = out;
}

/** quota.Add: every key of both, summed where both have it. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map(a);
  for (const [name, q] of b) {
    const mine = out.get(name);
    out.set(name, mine ? addQuantities(mine, q) : q);
  }
  return out;
}

/** quota.SubtractWithNonNegativeResult: a − b per key of a, never below zero. */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [name, q] of a) {
    const other = b.get(name);
    const diff = other ? subtractQuantities(q, other) : q;
    out.set(name, diff.nanos < 0n ? { nanos: 0n, format: diff.format } : diff);
  }
  return out;
}

/** quota.Mask: only the named resources. */
export function maskList(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const name of names) {
    const q = list.get(name);
    if (q) out.set(name, q);
  }
  return out;
}

/** quota.LessThanOrEqual: the names in `a` whose value exceeds `b`'s (names `b` lacks pass). */
export function exceeding(a: ResourceList, b: ResourceList): string[] {
  return [...a]
    .filter(([name, q]) => {
      const limit = b.get(name);
      return limit !== undefined && compareQuantities(q, limit) > 0;
    })
    .map(([name]) => name);
}

/** Whether every quantity is zero (quota.IsZero). */
export function isZeroList(list: ResourceList): boolean {
  return [...list.values()].every((q) => q.nanos === 0n);
}

/** The error messages' form of a list: "pods=1,requests.cpu=500m", names sorted. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((name) => `${name}=${formatQuantity(list.get(name) as Quantity)}`)
    .join(",");
}

/** A zero for each name, as usage starts out (resource.Quantity{Format: DecimalSI}). */
export function zeroList(names: Iterable<string>): ResourceList {
  return new Map([...names].map((name) => [name, newQuantity(0)]));
}
