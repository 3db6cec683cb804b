import type { Balancer } from "./balancer.ts";
import type { Origin } from "./route.ts";
import type { NetworkWorld, PodView } from "./world.ts";

/**
 * The sandbox's clock as a command sees it: simulated time, advanced by what the command waits
 * for (a connect timeout, ping's second between packets) instead of by waiting.
 */
export interface VirtualClock {
  /** Milliseconds since the epoch, simulated. */
  now(): number;
  /** Lets `ms` pass; false when the evaluation's horizon ("now" of the caller) came first. */
  sleep(ms: number): Promise<boolean>;
}

/** A container a server runs in, as its log is addressed. */
export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

/**
 * Everything a network command or the API's proxy needs: the network read for this request,
 * who connects, kube-proxy's balancer, the clock, and where servers' log lines go.
 */
export interface PodNetwork {
  world: NetworkWorld;
  /** The pod a command runs in (null for the API server or a node). */
  self: PodView | null;
  origin: Origin;
  balancer: Balancer;
  clock: VirtualClock;
  /** Appends lines a server wrote to its container's log, at a time of the clock. */
  log(target: ContainerRef, lines: string[], at: number): Promise<void>;
  /** How a log line names its time (date's +FORMAT); the formatted clock time when absent. */
  stamp?(format: string): string;
  /** Reads a file of a container (what nginx serves), when the caller can. */
  readFile?(target: ContainerRef, path: string): Promise<string | null>;
}

/** A clock that does not move but by sleeps (tests, and one-shot requests such as the API's proxy). */
export function steppingClock(start: number, horizon = Number.POSITIVE_INFINITY): VirtualClock {
  let t = start;
  return {
    now: () => t,
    async sleep(ms) {
      if (t + ms > horizon) {
        t = Math.max(t, horizon);
        return false;
      }
      t += ms;
      return true;
    },
  };
}
