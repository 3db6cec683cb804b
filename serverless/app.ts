import type { AcceptWebSocket } from "../api/accepted-socket.ts";
import { createApp } from "../api/app.ts";
import { parseOrigins } from "../api/cors.ts";
import { type Config, flowControlOf, graphqlLimitsOf, tenantLimits } from "../config.ts";
import { connect, type Database } from "../db/connection.ts";
import type { Keyring } from "../db/crypto/keyring.ts";
import { sealingWith } from "../db/crypto/secret-sealer.ts";
import { verifyKeyring } from "../db/crypto/verify.ts";
import { PollingFeed } from "../db/polling-feed.ts";
import { triggerRules } from "../workers/controllers.ts";
import { tellKubelet } from "../workers/kubelet/attached-exit.ts";
import { closeAfter } from "./close-after.ts";
import { RequestDatabase } from "./request-database.ts";
import { RequestSockets } from "./request-sockets.ts";

/** What a serverless entry point reads from its platform (secrets, bindings) and hands the app. */
export interface ServerlessSettings {
  config: Config;
  /** Postgres for this request's connection (a Hyperdrive or RDS Proxy address in production). */
  databaseUrl: string;
  /** The key that signs tokens (KUBESANDBOX_JWT_SECRET: every runtime serving the API shares it). */
  signingKey: Uint8Array;
  /** The key-encryption keys of Secrets (KUBESANDBOX_KEK). */
  keyring: Keyring;
  /** The CA that kubeconfigs trust and `kube-root-ca.crt` publishes; empty behind a publicly trusted certificate. */
  caPem: string;
  /** The https address kubeconfigs name (PUBLIC_URL). */
  baseUrl: string;
  /**
   * "request": a connection opened and closed by each request (workerd, where a socket belongs to
   * its request; Hyperdrive pools in front). "process": one kept by the process for the next
   * request (Lambda, whose process serves one invocation at a time and is reused while warm), so
   * a warm invocation pays no connection set-up. Either way nothing LISTENs.
   */
  connections?: "request" | "process";
  /**
   * How the runtime accepts a WebSocket from its fetch handler (workerd's WebSocketPair), for
   * exec, attach, port-forward and graphql-ws; absent where it cannot (Lambda's Function URLs),
   * where those get the API server's 400 "Upgrade request required".
   */
  acceptWebSocket?: AcceptWebSocket;
}

/** One request through the app, with the caller's address as the platform reports it. */
export type ServerlessFetch = (
  request: Request,
  clientAddress: string | null,
  /** Keeps the runtime alive for work after the response (workerd's waitUntil). */
  waitUntil?: (work: Promise<unknown>) => void,
) => Promise<Response>;

/**
 * The same app as `npm start` serves, for a runtime that cannot LISTEN (workerd, whose sockets
 * belong to their request; Lambda, whose process is frozen between invocations): built once per
 * isolate or process, it gets its connection from the entry point with each request (see
 * `connections`), a change feed that polls from within the request, no LISTEN (so no grant
 * cache), and no metrics.
 * The controllers are not here: `npm run worker` runs them on any Node host, on the same database.
 */
export function serverlessApp(settings: ServerlessSettings): ServerlessFetch {
  const { config } = settings;
  const fixed = {
    sealing: sealingWith(settings.keyring),
    triggers: triggerRules,
    limits: tenantLimits(config),
  };
  const requests = new RequestDatabase(fixed);
  const sockets = settings.acceptWebSocket ? new RequestSockets(requests, settings.acceptWebSocket) : null;
  const app = createApp({
    database: requests.handle,
    feed: new PollingFeed(),
    auth: { signingKey: settings.signingKey, tokenTtlSeconds: config.TOKEN_TTL_SECONDS },
    server: { baseUrl: settings.baseUrl.replace(/\/+$/, ""), caPem: settings.caPem },
    graphqlLimits: graphqlLimitsOf(config),
    flowControl: flowControlOf(config),
    ready: () => true,
    allowedOrigins: parseOrigins(config.ALLOWED_ORIGINS),
    ...(sockets
      ? { webSockets: { accept: sockets.accept, containerExited: tellKubelet(requests.handle) } }
      : {}),
  });
  // The keys are checked against the database once, by the first request that gets this far.
  let keysVerified = false;
  const open = (): Database => ({ ...connect(settings.databaseUrl, 1, fixed), listens: false });
  const kept = settings.connections === "process" ? open() : null;
  return async (request, clientAddress, waitUntil) => {
    const database = kept ?? open();
    const close = async () => {
      if (kept) return;
      const closing = database.close();
      waitUntil?.(closing);
      return closing;
    };
    try {
      if (!keysVerified) {
        await verifyKeyring(database.sql, settings.keyring);
        keysVerified = true;
      }
      const response = await requests.run(database, () => app.fetch(request, { clientAddress }));
      // An accepted WebSocket's streams use the connection until the socket closes.
      const held = sockets?.heldBy(database);
      if (held) {
        const closing = held.then(close);
        waitUntil?.(closing);
        return response;
      }
      return closeAfter(response, close, (read) => requests.run(database, read));
    } catch (err) {
      await close();
      throw err;
    }
  };
}
