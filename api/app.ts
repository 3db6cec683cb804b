import { Hono } from "hono";
import type { ServerIdentity } from "../accounts/sandboxes.ts";
import type { AuthSettings } from "../accounts/users.ts";
import type { Database } from "../db/connection.ts";
import type { ChangeFeed } from "../db/feed.ts";
import { guardedGraphQL } from "./graphql/http.ts";
import { graphqlServer } from "./graphql/index.ts";
import { defaultGraphQLLimits, type GraphQLLimits } from "./graphql/limits.ts";
import { kubeApi } from "./kube/index.ts";
import { statusResponse } from "./kube/response.ts";
import { metricsMiddleware, registry } from "./metrics.ts";

/** Everything the HTTP surface needs; the Node entry point builds it. */
export interface AppDeps {
  database: Database;
  feed: ChangeFeed;
  auth: AuthSettings;
  server: ServerIdentity;
  /** GraphQL's limits (defaults: api/graphql/limits.ts). */
  graphqlLimits?: GraphQLLimits;
  /** Origins a browser may call GraphQL from (CORS); none when not given. */
  corsOrigins?: string[];
  /** Whether the service is ready to serve (migrations done, workers started). */
  ready: () => boolean;
}

/**
 * The whole HTTP surface as a Web-standard fetch handler: health, metrics, GraphQL at /graphql, the
 * Kubernetes API under /sandboxes/<id>. The same app serves http and https.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const limits = deps.graphqlLimits ?? defaultGraphQLLimits;
  const yoga = graphqlServer({ ...deps, limits });
  app.use(metricsMiddleware);
  app.get("/metrics", async (c) =>
    c.text(await registry.metrics(), 200, { "content-type": registry.contentType }),
  );
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/livez", (c) => c.text("ok"));
  app.get("/readyz", (c) => (deps.ready() ? c.text("ok") : c.text("not ready", 503)));
  app.on(
    ["GET", "POST", "OPTIONS"],
    "/graphql",
    guardedGraphQL(limits.maxBodyBytes, (req) => yoga.fetch(req, {})),
  );
  app.get("/", (c) =>
    c.text(
      "kubesandbox: Kubernetes sandboxes as a service.\nGraphQL: /graphql (signUp, logIn, createSandbox → kubeconfig)\nKubernetes API: /sandboxes/<id>\n",
    ),
  );
  app.route("/", kubeApi({ database: deps.database, feed: deps.feed, signingKey: deps.auth.signingKey }));
  app.onError((err) => statusResponse(err));
  return app;
}
