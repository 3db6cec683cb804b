import { Hono } from "hono";
import { streamHandle } from "hono/aws-lambda";
import { loadConfig } from "../config.ts";
import { Keyring } from "../db/crypto/keyring.ts";
import { type ServerlessFetch, serverlessApp } from "./app.ts";

/**
 * The Lambda: the whole HTTP surface (GraphQL, the Kubernetes API) behind a Function URL with
 * response streaming (InvokeMode RESPONSE_STREAM), so watches, `rollout status` and `wait` stream
 * as they do from `npm start`; hono's buffered `handle()` would hold a watch until it ends.
 * Settings come from the function's environment, as on Node: DATABASE_URL (an RDS Proxy in
 * production), KUBESANDBOX_JWT_SECRET, KUBESANDBOX_KEK, PUBLIC_URL (the Function URL or its
 * domain), CLUSTER_CA_PEM only behind a certificate that is not publicly trusted.
 */

// A frozen process hears no NOTIFY: like workerd, a polling change feed and no grant cache
// (serverless/app.ts). Its connection is kept while the process is warm (one invocation at a time
// uses it); DATABASE_URL should name an RDS Proxy, which keeps the server's side pooled and
// replaces a connection that a long freeze let the server close.
let app: ServerlessFetch | undefined;

async function build(env: NodeJS.ProcessEnv): Promise<ServerlessFetch> {
  const config = loadConfig({
    // A watch outlives no invocation: Lambda ends one at the function's timeout (15 minutes at most).
    LIMIT_WATCH_TIMEOUT_SECONDS: "840",
    ...env,
  });
  if (!config.DATABASE_URL) throw new Error("set DATABASE_URL");
  if (!config.PUBLIC_URL) throw new Error("set PUBLIC_URL to the Function URL (or its custom domain)");
  const secret = env.KUBESANDBOX_JWT_SECRET ?? "";
  if (secret.length < 32)
    throw new Error("KUBESANDBOX_JWT_SECRET must be a secret of at least 32 characters");
  return serverlessApp({
    config,
    databaseUrl: config.DATABASE_URL,
    signingKey: new TextEncoder().encode(secret),
    keyring: await Keyring.fromEnv(config.KUBESANDBOX_KEK ?? ""),
    caPem: env.CLUSTER_CA_PEM ?? "",
    baseUrl: config.PUBLIC_URL,
    connections: "process",
  });
}

/** What hono/aws-lambda hands the app of each invocation: the event's request context. */
type LambdaBindings = { requestContext?: { http?: { sourceIp?: string } } };

const front = new Hono<{ Bindings: LambdaBindings }>();
front.all("*", async (c) => {
  app ??= await build(process.env);
  return app(c.req.raw, c.env.requestContext?.http?.sourceIp ?? null);
});

/** The function's handler (`index.handler` in the package `npm run build:lambda` makes). */
export const handler = streamHandle(front);
