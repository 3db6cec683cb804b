import { Hono } from "hono";
import type { ServerIdentity } from "../accounts/sandboxes.ts";
import type { AuthSettings } from "../accounts/users.ts";
import { defaultFlowControl, type FlowControl } from "../config.ts";
import type { Database } from "../db/connection.ts";
import type { Feed } from "../db/feed.ts";
import { forbidden, StatusError } from "../kube/errors.ts";
import { isWebSocketRequest } from "./accepted-socket.ts";
import { corsAllowlist } from "./cors.ts";
import { FairQueue } from "./flow-control/fair-queue.ts";
import { flowControl, holdingRefusals } from "./flow-control/index.ts";
import { guardedGraphQL } from "./graphql/http.ts";
import { graphqlServer } from "./graphql/index.ts";
import { defaultGraphQLLimits, type GraphQLLimits } from "./graphql/limits.ts";
import { callerOf, RefusalBudget, tooManyRefusals } from "./graphql/refusals.ts";
import { graphqlWebSocketUnserved, serveGraphQLWebSocket } from "./graphql/websocket.ts";
import { kubeApi } from "./kube/index.ts";
import type { PodStreamDeps } from "./kube/pod-streams.ts";
import { statusResponse } from "./kube/response.ts";
import { type AppMetrics, noMetrics } from "./metrics.ts";
import { readiness } from "./readiness.ts";
import { surfaceOf } from "./surfaces.ts";

/** Everything the HTTP surface needs; the Node entry point builds it. */
export interface AppDeps {
  database: Database;
  feed: Feed;
  auth: AuthSettings;
  server: ServerIdentity;
  /** GraphQL's limits (defaults: api/graphql/limits.ts). */
  graphqlLimits?: GraphQLLimits;
  /** Whether the service is ready to serve (migrations done, workers started). */
  ready: () => boolean;
  /** Request metrics (server/metrics.ts on Node); none when absent. */
  metrics?: AppMetrics;
  /** Each caller's share of the service when it is saturated (default: config.ts's defaults). */
  flowControl?: FlowControl;
  /** Origins whose pages may call the service (GraphQL and the Kubernetes API) from a browser (CORS); none when absent. */
  allowedOrigins?: readonly string[];
  /**
   * How this runtime accepts a WebSocket in the fetch handler (workerd's WebSocketPair), for a
   * pod's streams and graphql-ws, and tells the kubelet an attached container ended. Absent on
   * Node, whose listener upgrades before the app sees the request (server/), and on Lambda, which
   * cannot: a stream request then gets the API server's 400 "Upgrade request required"
   * (api/kube/pod-streams.ts), a graphql-ws one a 400 naming SSE.
   */
  webSockets?: PodStreamDeps;
}

/**
 * What the host says of each request besides the request itself (Hono's bindings): the listener
 * it came through, and the client's address. A host that says nothing (a test, a serverless
 * runtime behind its own TLS) gets every surface.
 */
export interface AppBindings {
  /** "http" for the plain listener, which serves no Kubernetes API. */
  listener?: "http" | "https";
  clientAddress?: string | null;
}

/** The app, as the Node entry point and tests hold it. */
export type App = Hono<{ Bindings: AppBindings }>;

/**
 * The whole HTTP surface as a Web-standard fetch handler: health, metrics, GraphQL at /graphql, the
 * Kubernetes API under /sandboxes/<id>. The same app serves http and https; the Kubernetes API
 * answers on https only, so no bearer token of a kubeconfig is ever taken over plain http.
 */
export function createApp(deps: AppDeps): App {
  const app = new Hono<{ Bindings: AppBindings }>();
  const limits = deps.graphqlLimits ?? defaultGraphQLLimits;
  // Callers whose documents keep being refused are answered 429 before their bodies are read.
  const refusals = new RefusalBudget(limits.maxRefusalsPerMinute);
  const yoga = graphqlServer({ ...deps, limits, refusals });
  const ready = readiness(deps.database, deps.ready);
  const metrics = deps.metrics ?? noMetrics;
  app.use(metrics.middleware);
  app.use(async (c, next) => {
    if (c.env?.listener !== "http" || surfaceOf(c.req.path) !== "kube") return next();
    return statusResponse(
      forbidden("the Kubernetes API is served over https only: use the server your kubeconfig names"),
    );
  });
  const seats = new FairQueue(deps.flowControl ?? defaultFlowControl);
  metrics.flowControl?.(() => seats.load());
  app.use(flowControl(seats, deps.auth.signingKey));
  app.get("/metrics", async (c) => {
    const exposition = await metrics.exposition();
    return exposition
      ? c.text(exposition.body, 200, { "content-type": exposition.contentType })
      : c.notFound();
  });
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/livez", (c) => c.text("ok"));
  app.get("/readyz", async (c) => ((await ready()) ? c.text("ok") : c.text("not ready", 503)));
  app.on(["GET", "POST", "OPTIONS"], "/graphql", (c) => {
    if (isWebSocketRequest(c.req.raw))
      // Node's listener upgrades these before the app sees them; a runtime that cannot (Lambda) says so.
      return deps.webSockets
        ? serveGraphQLWebSocket(yoga, deps.webSockets.accept, c.req.raw, limits.maxBodyBytes)
        : graphqlWebSocketUnserved();
    const clientAddress = c.env?.clientAddress ?? null;
    const wait = refusals.retryAfter(callerOf(c.req.raw, clientAddress));
    if (wait) return tooManyRefusals(wait);
    return guardedGraphQL(limits.maxBodyBytes, (req) => yoga.fetch(req, { clientAddress }))(c);
  });
  app.get("/", (c) =>
    c.text(
      "kubesandbox: Kubernetes sandboxes as a service.\nGraphQL: /graphql (signUp, logIn, createSandbox → kubeconfig)\nKubernetes API: /sandboxes/<id>\n",
    ),
  );
  const kube = new Hono();
  kube.use(corsAllowlist(deps.allowedOrigins ?? []));
  kube.route(
    "/",
    kubeApi({
      database: deps.database,
      feed: deps.feed,
      signingKey: deps.auth.signingKey,
      ...(deps.webSockets ? { streams: deps.webSockets } : {}),
    }),
  );
  app.route("/", kube);
  // Any other path, as the API server answers one it does not serve.
  app.notFound(() =>
    statusResponse(new StatusError(404, "NotFound", "the server could not find the requested resource", {})),
  );
  app.onError((err) => statusResponse(err));
  app.fetch = holdingRefusals(app.fetch);
  return app;
}
