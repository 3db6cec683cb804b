import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { type App, createApp } from "../../api/app.ts";
import type { TenantLimits } from "../../config.ts";
import type { Database } from "../../db/connection.ts";
import { ChangeFeed } from "../../db/feed.ts";
import { startKeyring } from "../../server/keyring.ts";
import { prometheusMetrics } from "../../server/metrics.ts";
import { testDatabase } from "./db.ts";

/** The CA certificate test apps hand out in kubeconfigs and publish in `kube-root-ca.crt`. */
export const testCaPem = "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n";

/** The app in process over the suite's database, as tests call it with `app.request(...)`. */
export interface TestApp {
  app: App;
  database: Database;
  feed: ChangeFeed;
  /** The signing settings the app's tokens are made with. */
  auth: { signingKey: Uint8Array; tokenTtlSeconds: number };
  /** Runs a GraphQL operation; returns the parsed response. */
  gql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ data?: any; errors?: any[] }>;
  /** Signs up a new user and creates a sandbox; returns both tokens and the sandbox id. */
  newSandbox(
    name?: string,
  ): Promise<{ userToken: string; sandboxToken: string; sandboxId: string; kubeconfig: string }>;
  /** A request to the sandbox's Kubernetes API with its token. */
  kube(sandboxId: string, token: string, path: string, init?: RequestInit): Promise<Response>;
}

/** Builds the app once per test file; `options.limits` changes some tenant limits from their defaults. */
export function testApp(
  options: { limits?: Partial<TenantLimits>; allowedOrigins?: string[] } = {},
): TestApp {
  const database = testDatabase(options.limits);
  const feed = new ChangeFeed(database.sql);
  // Secrets are encrypted at rest under the suite's KEK, as `npm start` encrypts them under its own.
  beforeAll(() => startKeyring(database, { KUBESANDBOX_KEK: inject("kek"), DATA_DIR: "" }, false));
  beforeAll(() => feed.start());
  afterAll(() => feed.stop());
  const auth = { signingKey: randomBytes(32), tokenTtlSeconds: 3600 };
  const app = createApp({
    database,
    feed,
    auth,
    server: {
      baseUrl: "https://127.0.0.1:1",
      caPem: testCaPem,
    },
    ready: () => true,
    metrics: prometheusMetrics,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  const gql: TestApp["gql"] = async (query, variables = {}, token) => {
    const res = await app.request("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
  let n = 0;
  return {
    app,
    database,
    feed,
    auth,
    gql,
    async newSandbox(name = `sb${++n}`) {
      const email = `${name}-${randomBytes(6).toString("hex")}@example.com`;
      const up = await gql(`mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`, {
        e: email,
      });
      const userToken = up.data.signUp.token as string;
      const sb = await gql(
        `mutation($n:String!){createSandbox(name:$n){id kubeconfig}}`,
        { n: name },
        userToken,
      );
      const kubeconfig = sb.data.createSandbox.kubeconfig as string;
      const sandboxToken = /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";
      return { userToken, sandboxToken, sandboxId: sb.data.createSandbox.id, kubeconfig };
    },
    async kube(sandboxId, token, path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      return app.request(`/sandboxes/${sandboxId}${path}`, { ...init, headers });
    },
  };
}
