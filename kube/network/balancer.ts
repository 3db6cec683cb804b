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
