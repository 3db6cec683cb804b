/**
 * kube-proxy's choice among a service port's ready endpoints. The store's balancer keeps one
 * counter per service port, so every API instance continues the same round robin (IPVS's rr);
 * the in-memory one is for tests and a single process.
 */
export interface Balancer {
  /** The index, in [0, count), of the endpoint the next connection to `key` goes to. */
  pick(key: string, count: number): Promise<number>;
}

/** Round robin kept in this process. */
export function memoryBalancer(): Balancer {
  const next = new Map<string, number>();
  return {
    async pick(key, count) {
      const n = next.get(key) ?? 0;
      next.set(key, n + 1);
      return n % count;
    },
  };
}

/** The round robins of this process, by sandbox. */
const bySandbox = new Map<string, Balancer>();

/**
 * A sandbox's round robin in this process (a container's loop, an exec and the API's proxy in
 * one process continue the same turn; another process keeps its own).
 */
export function processBalancer(sandboxId: string): Balancer {
  let balancer = bySandbox.get(sandboxId);
  if (!balancer) {
    balancer = memoryBalancer();
    bySandbox.set(sandboxId, balancer);
    if (bySandbox.size > 10_000) bySandbox.delete(bySandbox.keys().next().value as string);
  }
  return balancer;
}
