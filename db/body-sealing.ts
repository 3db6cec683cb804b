import type { KubeObject } from "../kube/object.ts";
import type { Queryable } from "./connection.ts";

/**
 * The store's one hook for encryption at rest, per storage resource: `seal` turns an object into
 * what may be written (to `objects` and the change log alike), `open` turns a stored body back
 * into the object. Secrets are sealed; every other resource is stored as it is.
 */
export interface BodySealer {
  /** In the writer's transaction, which holds the sandbox's lock. */
  seal(tx: Queryable, sandboxId: string, body: KubeObject): Promise<KubeObject>;
  open(sql: Queryable, sandboxId: string, body: KubeObject): Promise<KubeObject>;
}

function notConfigured(resource: string): Promise<never> {
  return Promise.reject(
    new Error(`no key-encryption key is loaded: ${resource} are neither stored nor read in plaintext`),
  );
}

/** Until a keyring is installed, secrets can be neither written nor read: never plaintext. */
const refuse = (resource: string): BodySealer => ({
  seal: () => notConfigured(resource),
  open: () => notConfigured(resource),
});

const sealers = new Map<string, BodySealer>([["secrets", refuse("secrets")]]);

/** Installs the sealer of a storage resource, once at start-up (and in tests' app set-up). */
export function useSealer(resource: string, sealer: BodySealer): void {
  sealers.set(resource, sealer);
}

/** Whether bodies of this resource are sealed (so reads must open them). */
export function isSealed(resource: string): boolean {
  return sealers.has(resource);
}

/** What the store writes for an object of this resource. */
export async function sealBody(
  tx: Queryable,
  sandboxId: string,
  resource: string,
  body: KubeObject,
): Promise<KubeObject> {
  const sealer = sealers.get(resource);
  return sealer ? sealer.seal(tx, sandboxId, body) : body;
}

/** The object a stored body of this resource holds. */
export async function openBody(
  sql: Queryable,
  sandboxId: string,
  resource: string,
  body: KubeObject,
): Promise<KubeObject> {
  const sealer = sealers.get(resource);
  return sealer ? sealer.open(sql, sandboxId, body) : body;
}
