import type { MiddlewareHandler } from "hono";

/**
 * The app's metrics, a dependency its entry point hands in: Prometheus on Node
 * (server/metrics.ts, served at /metrics); nothing in a serverless runtime, whose platform counts
 * requests itself and where prom-client cannot load (it needs node:v8, os and cluster).
 */
export interface AppMetrics {
  /** Counts and times every request. */
  middleware: MiddlewareHandler;
  /** The exposition served at /metrics, or null where the runtime keeps no metrics. */
  exposition(): Promise<{ contentType: string; body: string } | null>;
  /** Reports a flow control's requests in progress and waiting (api/flow-control/) from now on. */
  flowControl?(load: () => { executing: number; waiting: number }): void;
}

/** No metrics: requests pass straight through, and /metrics answers 404. */
export const noMetrics: AppMetrics = {
  middleware: (_c, next) => next(),
  exposition: async () => null,
};
