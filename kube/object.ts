import type { ObjectMeta } from "./types/meta-v1.ts";

/**
 * A Kubernetes object as JSON: apiVersion, kind, typed metadata, and whatever the kind adds. The
 * typed view of a kind is its generated type (kube/types/: Pod, Deployment, …), which is
 * assignable to this; `viewAs` (kinds/kind.ts) narrows a stored object to it.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** metav1.ObjectMeta, as generated from the Go sources. */
export type { ObjectMeta };

/** Whether a value is a plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets a key as JSON.parse does: "__proto__" too becomes an own property (assigning it would set
 * the object's prototype and drop the key; it is a valid ConfigMap key, and any map's).
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** A key's own value (undefined when absent): not "constructor" or "toString" from the prototype. */
export function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * A deep copy of a JSON value (objects, arrays and primitives; a key set to undefined stays).
 * By hand rather than structuredClone, which goes through V8's serializer: some 30 µs for a
 * running pod against 5 µs here, and every update, binding and kubelet step copies one.
 */
export function clone<T>(value: T): T {
  return cloneJson(value) as T;
}

function cloneJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneJson((value as Record<string, unknown>)[key]));
  return out;
}

/** Timestamps as the API server writes them: RFC 3339 to the second, in UTC. */
export function timestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
