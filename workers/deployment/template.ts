import { clone, isPlainObject } from "../../kube/object.ts";
import type { Deployment, ReplicaSet } from "../../kube/types/apps-v1.ts";
import type { PodTemplateSpec } from "../../kube/types/core-v1.ts";
import type { LabelSelector } from "../../kube/types/meta-v1.ts";

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
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
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
function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const t = clone(template);
  delete t.metadata?.labels?.[hashLabel];
  return t;
}

/** EqualIgnoreHash: two pod templates equal but for their pod-template-hash labels. */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/** The pod template of a deployment or ReplicaSet (empty when it has none). */
export function templateOf(obj: Deployment | ReplicaSet): PodTemplateSpec {
  return obj.spec?.template ?? {};
}

/** GetNewReplicaSetTemplate: the deployment's template with the hash label added. */
export function templateWithHash(d: Deployment, hash: string): PodTemplateSpec {
  const t = clone(templateOf(d));
  t.metadata ??= {};
  t.metadata.labels = { ...t.metadata.labels, [hashLabel]: hash };
  return t;
}

/** CloneSelectorAndAddLabel: the deployment's selector with `pod-template-hash: <hash>` in matchLabels. */
export function selectorWithHash(d: Deployment, hash: string): LabelSelector {
  const selector: LabelSelector = clone(d.spec?.selector ?? {});
  selector.matchLabels = { ...selector.matchLabels, [hashLabel]: hash };
  return selector;
}
