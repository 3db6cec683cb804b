import type { Kind } from "../kinds/kind.ts";
import type { KubeObject } from "../object.ts";
import type { ObjectStore } from "../object-store.ts";

/** What an admission plugin sees: the write's objects, the kind, and the object before it. */
export interface AdmissionRequest {
  /** The sandbox's objects as the write's transaction sees them. */
  objects: ObjectStore;
  kind: Kind;
  operation: "CREATE" | "UPDATE";
  /** The stored object, for updates. */
  old: KubeObject | null;
  dryRun: boolean;
  /** "status" for writes through the status subresource. */
  subresource?: string;
}

/**
 * An admission plugin, as the API server's. Each hook is optional and named for when it runs:
 * - `admit` needs nothing but the object (and the stored one, on update): it runs with the
 *   kind's own preparation, before validation and before the write takes the sandbox's lock
 *   (ServiceAccount, Priority, DefaultTolerationSeconds);
 * - `mutate` may read the sandbox and change the object (defaults from a LimitRange, an
 *   allocated ClusterIP), and `validate` may refuse it by throwing a StatusError: both inside the
 *   write's transaction, after the kind's own validation.
 * A plugin lives with the kind it is about (kube/kinds/<kind>/); admission/chain.ts lists them
 * in the API server's order.
 */
export interface AdmissionPlugin {
  name: string;
  /** Storage resources it acts on ("pods", "services", …); "*" for all. */
  resources: string[] | "*";
  admit?(obj: KubeObject, old: KubeObject | null): void;
  mutate?(req: AdmissionRequest, obj: KubeObject): Promise<void>;
  validate?(req: AdmissionRequest, obj: KubeObject): Promise<void>;
  /**
   * The resources of the new object's namespace that `mutate` and `validate` will list on a
   * create: read with the sandbox's lock, in one query with the other plugins' (SandboxWriter).
   */
  listsOnCreate?(kind: Kind, obj: KubeObject): string[];
}
