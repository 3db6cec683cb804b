import type { KubeObject } from "../../kube/object.ts";
import type { Queryable } from "../sql.ts";

/**
 * How bodies of one storage resource are stored: `seal` turns an object into what may be written
 * (to `objects` and the change log alike), `open` turns a stored body back into the object.
 */
export interface BodySealer {
  /** In the writer's transaction, which holds the sandbox's lock. */
  seal(tx: Queryable, sandboxId: string, body: KubeObject): Promise<KubeObject>;
  open(sql: Queryable, sandboxId: string, body: KubeObject): Promise<KubeObject>;
}

/**
 * The store's one hook for encryption at rest: the sealer of each sealed storage resource.
 * Secrets are sealed; every other resource is stored as it is. Each database handle carries
 * its own (db/connection.ts), given by the entry point once its keys are loaded.
 */
export class Sealing {
  private readonly sealers: ReadonlyMap<string, BodySealer>;

  constructor(sealers: Record<string, BodySealer>) {
    this.sealers = new Map(Object.entries(sealers));
  }

  /** Whether bodies of this resource are sealed (so reads must open them). */
  isSealed(resource: string): boolean {
    return this.sealers.has(resource);
  }

  /** What the store writes for an object of this resource. */
  async seal(tx: Queryable, sandboxId: string, resource: string, body: KubeObject): Promise<KubeObject> {
    const sealer = this.sealers.get(resource);
    return sealer ? sealer.seal(tx, sandboxId, body) : body;
  }

  /** The object a stored body of this resource holds. */
  async open(sql: Queryable, sandboxId: string, resource: string, body: KubeObject): Promise<KubeObject> {
    const sealer = this.sealers.get(resource);
    return sealer ? sealer.open(sql, sandboxId, body) : body;
  }
}

function notConfigured(resource: string): Promise<never> {
  return Promise.reject(
    new Error(`no key-encryption key is loaded: ${resource} are neither stored nor read in plaintext`),
  );
}

/** Until keys are loaded, Secrets can be neither written nor read: never plaintext. */
export const keysNotLoaded = new Sealing({
  secrets: { seal: () => notConfigured("secrets"), open: () => notConfigured("secrets") },
});
