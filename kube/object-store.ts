import type { KubeObject } from "./object.ts";

/** Where an object lives in its sandbox: storage resource ("pods", "deployments.apps"), namespace ('' if none), name. */
export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

/**
 * The objects of a sandbox as one write's transaction sees them, its own writes included: what
 * rules of kube/ that read or write other objects (admission plugins, quota usage) are given,
 * so that they need not know how objects are stored. The transaction holds the sandbox's
 * write lock, so what they read stays true until it commits.
 */
export interface ObjectStore {
  /** One object, or null. */
  get(key: ObjectKey): Promise<KubeObject | null>;
  /** Every object of a storage resource in a namespace (all namespaces when null), by namespace and name. */
  list(resource: string, namespace: string | null): Promise<KubeObject[]>;
  /** Replaces an object read in this transaction (`previous`: as it was read, when the caller has it). */
  update(key: ObjectKey, obj: KubeObject, previous?: KubeObject): Promise<void>;
}
