import type { KubeObject } from "../../kube/object.ts";
import { isRecord, type Json, record } from "../../kube/validation/json.ts";

/** apps/v1 DefaultDeploymentUniqueLabelKey: the label that ties pods to their ReplicaSet's template. */
export const hashLabel = "pod-template-hash";

/**
 * A JSON value as Go's semantic equality sees it after decoding: null, empty lists and empty
 * objects are the same as absent, so `resources: {}` or `creationTimestamp: null` (which a
 * client's Go structs add when they send a template back) change nothing.
 */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.length ? items : undefined;
  }
  if (isRecord(value)) {
    const out: Json = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize(value[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null ? undefined : value;
}

/** The normalized value as JSON with sorted keys: equal for semantically equal values. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value) ?? null);
}

/** A template without the pod-template-hash label. */
function withoutHash(template: unknown): unknown {
  const t = structuredClone(record(template));
  const meta = record(t.metadata);
  if (isRecord(meta.labels)) delete meta.labels[hashLabel];
  return t;
}

/** EqualIgnoreHash: two pod templates equal but for their pod-template-hash labels. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/** The deployment's pod template. */
export function templateOf(obj: KubeObject): Json {
  return record(record(obj.spec).template);
}

/** GetNewReplicaSetTemplate: the deployment's template with the hash label added. */
export function templateWithHash(d: KubeObject, hash: string): Json {
  const t = structuredClone(templateOf(d));
  if (!isRecord(t.metadata)) t.metadata = {};
  const meta = t.metadata as Json;
  meta.labels = { ...record(meta.labels), [hashLabel]: hash };
  return t;
}

/** CloneSelectorAndAddLabel: the deployment's selector with `pod-template-hash: <hash>` in matchLabels. */
export function selectorWithHash(d: KubeObject, hash: string): Json {
  const selector = structuredClone(record(record(d.spec).selector));
  selector.matchLabels = { ...record(selector.matchLabels), [hashLabel]: hash };
  return selector;
}
