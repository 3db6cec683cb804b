import type { KubeObject } from "../../kube/object.ts";
import type { ObjectKey } from "../../kube/object-store.ts";

/** An object row as reads select it: its resourceVersion column and its stored body. */
export type Row = { resource_version: string | number; body: KubeObject };

/**
 * An object as served: the stored body with its resourceVersion filled in, and its top-level
 * fields back in the API's order (jsonb keeps keys sorted its own way).
 */
export function served(row: Row): KubeObject {
  const { apiVersion, kind, metadata, spec, status, ...rest } = row.body;
  return {
    apiVersion,
    kind,
    metadata: { ...metadata, resourceVersion: String(row.resource_version) },
    ...(spec === undefined ? {} : { spec }),
    ...(status === undefined ? {} : { status }),
    ...rest,
  };
}

/** The stored form: the object less its resourceVersion, which the row's column carries. */
export function storable(obj: KubeObject): KubeObject {
  const { resourceVersion: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** An object key as one string. */
export const objectId = (k: ObjectKey) => `${k.resource}/${k.namespace}/${k.name}`;
