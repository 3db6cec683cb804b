import type { Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Readable } from "node:stream";
import { serve } from "@hono/node-server";
import { collectDefaultMetrics } from "prom-client";
import { type AppBindings, createApp } from "./api/app.ts";
import { parseOrigins } from "./api/cors.ts";
import { isRemoteCommandPath } from "./api/kube/index.ts";
import { readFromNode } from "./api/request-body.ts";
import { type Config, flowControlOf, graphqlLimitsOf, loadConfig, tenantLimits } from "./config.ts";
import { connect, isConnectionLoss } from "./db/connection.ts";
import { startEmbeddedPostgres } from "./db/embedded.ts";
import { ChangeFeed } from "./db/feed.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { log } from "./log.ts";
import { ensureTls } from "./server/certs.ts";
import { attachGraphQLWebSocket } from "./server/graphql-ws.ts";
import { startKeyring } from "./server/keyring.ts";
import { prometheusMetrics, registry } from "./server/metrics.ts";
import { attachPortForward, takesPortForward } from "./server/port-forward.ts";
import { attachRemoteCommands } from "./server/remote-command.ts";
import { tokenSigningKey } from "./server/secrets.ts";
import { answerUnhandledUpgrades } from "./server/upgrade-fallback.ts";
import { controllers, triggerRules } from "./workers/controllers.ts";
import { migrateQueue, startWorkers } from "./workers/queue/runner.ts";

/**
 * The Node entry point (`npm start`): the database (embedded unless DATABASE_URL), migrations,
 * TLS material, the app on http and https, and the workers, all in one process. Ctrl-C stops
 * each in reverse order.
 */
async function main(config: Config): Promise<void> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24)
    throw new Error(`kubesandbox needs Node 24 or later (this is ${process.version}): run it with npm start`);
  collectDefaultMetrics({ register: registry });
  const stops: (() => Promise<unknown> | unknown)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.warn({ err }, "error while stopping");
      }
    }
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("uncaughtException", (err) => {
    // When Postgres stops under us, the clients throw from timers and events (see
    // isConnectionLoss). That happens most often together with our own stop, as a Ctrl-C in a
    // terminal reaches Postgres too, and the signal may come a moment after the error: give it
    // that moment. While stopping, it is expected. Anything else is a crash.
    const connectionLost = isConnectionLoss(err);
    if (stopping) return log.warn({ err }, "error from a closing connection while stopping");
    log.fatal({ err }, "uncaught exception");
    if (!connectionLost) process.exit(1);
    setTimeout(() => stopping || process.exit(1), 1_000);
  });

  let url = config.DATABASE_URL;
  if (!url) {
    log.info({ dir: config.DATA_DIR }, "starting embedded Postgres");
    const pg = await startEmbeddedPostgres(config.DATA_DIR, (line) => log.debug({ postgres: line.trim() }));
    stops.push(() => pg.stop());
    url = pg.socketUrl;
  }
  const database = connect(url, 20, { triggers: triggerRules, limits: tenantLimits(config) });
  stops.push(() => database.close());
  await migrateDatabase(database);
  await migrateQueue(url);
  // Secrets are encrypted at rest: no keys, or the wrong ones, and the service does not start.
  await startKeyring(database, config, true);

  const publicHost = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).hostname : null;
  const tls = await ensureTls(config.DATA_DIR, publicHost ? [publicHost] : []);
  if (tls.created) log.info({ dir: `${config.DATA_DIR}/tls` }, "made a new CA and serving certificate");
  const signingKey = await tokenSigningKey(config.DATA_DIR);
  const feed = new ChangeFeed(database.sql);
  await feed.start();
  stops.push(() => feed.stop());

  let ready = false;
  const baseUrl = (config.PUBLIC_URL ?? `https://${config.HOST}:${config.HTTPS_PORT}`).replace(/\/+$/, "");
  const appDeps = {
    database,
    feed,
    auth: { signingKey, tokenTtlSeconds: config.TOKEN_TTL_SECONDS },
    server: { baseUrl, caPem: tls.caPem },
    graphqlLimits: graphqlLimitsOf(config),
    flowControl: flowControlOf(config),
    ready: () => ready,
    metrics: prometheusMetrics,
    allowedOrigins: parseOrigins(config.ALLOWED_ORIGINS),
  };
  const app = createApp(appDeps);

  // Each listener tells the app which it is (plain http serves no Kubernetes API) and who called.
  const through =
    (listener: AppBindings["listener"]) =>
    (req: Request, env: { incoming: Readable & { socket: { remoteAddress?: string } } }) => {
      readFromNode(req, env.incoming);
      return app.fetch(req, { listener, clientAddress: env.incoming.socket.remoteAddress ?? null });
    };
  const http = serve({ fetch: through("http"), port: config.PORT, hostname: config.HOST });
  const https = serve({
    fetch: through("https"),
    port: config.HTTPS_PORT,
    hostname: config.HOST,
    createServer: createHttpsServer,
    serverOptions: { cert: tls.certPem, key: tls.keyPem },
  });
  // Subscriptions over WebSocket (graphql-ws) on /graphql, on both listeners.
  for (const server of [http, https]) {
    const detach = attachGraphQLWebSocket(server as unknown as HttpServer, {
      ...appDeps,
      limits: appDeps.graphqlLimits,
    });
    stops.push(detach);
    // A pod's streams: port-forward, exec and attach (WebSocket, or SPDY/3.1 for older kubectl).
    const kubeDeps = { database, feed: appDeps.feed, signingKey };
    stops.push(attachPortForward(server as unknown as HttpServer, kubeDeps));
    stops.push(attachRemoteCommands(server as unknown as HttpServer, kubeDeps));
    stops.push(
      answerUnhandledUpgrades(
        server as unknown as HttpServer,
        app.fetch,
        (path, req) => path === "/graphql" || isRemoteCommandPath(path) || takesPortForward(req),
      ),
    );
  }
  for (const server of [http, https])
    stops.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          // Open watches would keep the server from closing: end them.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    );

  if (config.WORKERS === "1") {
    const runner = await startWorkers(database, {
      concurrency: config.WORKER_CONCURRENCY,
      controllers,
      settings: { clusterCaPem: tls.caPem, changeLogRetentionSeconds: config.CHANGE_LOG_RETENTION_SECONDS },
    });
    // Bounded: with Postgres gone already (a Ctrl-C reaches it too) the queue may wait for it.
    // A job it leaves locked is freed by the liveness sweep of whichever process runs next.
    stops.push(() => Promise.race([runner.stop(), new Promise((done) => setTimeout(done, 3_000).unref())]));
  }
  ready = true;
  const httpUrl = `http://${config.HOST}:${config.PORT}`;
  console.log(`kubesandbox is up
  GraphQL and web:   ${httpUrl}/graphql
  Kubernetes API:    ${baseUrl}/sandboxes/<id>   (kubectl, over TLS)
  Database:          ${config.DATABASE_URL ? "DATABASE_URL" : `embedded Postgres under ${config.DATA_DIR}/pg`}
Get a kubeconfig:
  curl -s ${httpUrl}/graphql -H 'content-type: application/json' \\
    -d '{"query":"mutation{signUp(email:\\"me@example.com\\",password:\\"a-long-password\\"){token}}"}'
  curl -s ${httpUrl}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"mutation{createSandbox(name:\\"demo\\"){kubeconfig}}"}' | jq -r .data.createSandbox.kubeconfig > kubeconfig
  KUBECONFIG=kubeconfig kubectl get nodes`);
}

main(loadConfig()).catch((err) => {
  log.fatal({ err }, "failed to start");
  process.exit(1);
});
