import { invalid, invalidValue, methodNotAllowed } from "../../errors.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import type { Scale } from "../../types/autoscaling-v1.ts";
import { isNegativeMessage } from "../../validation/messages.ts";
import type { Kind, ScaleSpec } from "../kind.ts";

/** The autoscaling/v1 Scale of a scalable object, as GET …/scale answers. */
export function scaleOf(kind: Kind, obj: KubeObject): Scale {
  const spec = scaleSpec(kind);
  const m = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.specReplicas(obj) },
    status: { replicas: spec.statusReplicas(obj), selector: spec.selector(obj) },
  };
}

/** The kind's ScaleSpec, or 404-like refusal when it has no scale subresource. */
export function scaleSpec(kind: Kind): ScaleSpec {
  if (!kind.scale) throw methodNotAllowed();
  return kind.scale;
}

/**
 * Reads the replica count from a Scale written by a client, validating it as the API server
 * validates a Scale (`spec.replicas` an integer ≥ 0).
 */
export function replicasFromScale(body: unknown, name: string): number {
  const spec = isPlainObject(body) && isPlainObject(body.spec) ? body.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== "number" || !Number.isInteger(replicas))
    throw invalid("autoscaling", "Scale", name, [
      invalidValue("spec.replicas", replicas, "must be an integer"),
    ]);
  if (replicas < 0)
    throw invalid("autoscaling", "Scale", name, [invalidValue("spec.replicas", replicas, isNegativeMessage)]);
  return replicas;
}
