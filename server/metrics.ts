import type { MiddlewareHandler } from "hono";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AppMetrics } from "../api/metrics.ts";
import { surfaceOf } from "../api/surfaces.ts";

/** The service's Prometheus registry, served at /metrics. */
export const registry = new Registry();

// Labels stay low-cardinality on purpose: no sandbox id (there may be 10,000s), just the surface
// and the verb. Per-sandbox detail belongs in logs, which carry the sandbox first.
const requests = new Counter({
  name: "kubesandbox_http_requests_total",
  help: "HTTP requests by surface (kube, graphql, other), method and status code.",
  labelNames: ["surface", "method", "code"],
  registers: [registry],
});
const duration = new Histogram({
  name: "kubesandbox_http_request_duration_seconds",
  help: "Time to the response headers (watch and log streams count until they start).",
  labelNames: ["surface", "method"],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/** The flow controls of the apps in this process (one, but for tests), summed by the gauges. */
const flowControls = new Set<() => { executing: number; waiting: number }>();
const sumOf = (part: "executing" | "waiting") => [...flowControls].reduce((n, load) => n + load()[part], 0);
// APF's apiserver_flowcontrol_current_executing_requests and _current_inqueue_requests.
new Gauge({
  name: "kubesandbox_flowcontrol_current_executing_requests",
  help: "Requests holding a seat of the flow control (api/flow-control/).",
  registers: [registry],
  collect() {
    this.set(sumOf("executing"));
  },
});
new Gauge({
  name: "kubesandbox_flowcontrol_current_inqueue_requests",
  help: "Requests waiting in their flow's queue for a seat.",
  registers: [registry],
  collect() {
    this.set(sumOf("waiting"));
  },
});

/** Counts and times every request. */
const metricsMiddleware: MiddlewareHandler = async (c, next) => {
  const start = performance.now();
  await next();
  const surface = surfaceOf(c.req.path);
  requests.inc({ surface, method: c.req.method, code: String(c.res.status) });
  duration.observe({ surface, method: c.req.method }, (performance.now() - start) / 1000);
};

/** The Node entry point's metrics: Prometheus, with the process's own (collectDefaultMetrics in main.ts). */
export const prometheusMetrics: AppMetrics = {
  middleware: metricsMiddleware,
  exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  flowControl: (load) => flowControls.add(load),
};
