import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { type App, createApp } from "../../api/app.ts";
import type { FlowControl, TenantLimits } from "../../config.ts";
import type { Database } from "../../db/connection.ts";
import { ChangeFeed } from "../../db/feed.ts";
import { startKeyring } from "../../server/keyring.ts";
import { prometheusMetrics } from "../../server/metrics.ts";
import { testDatabase } from "./db.ts";

/** The CA certificate test apps hand out in kubeconfigs and publish in `kube-root-ca.crt`. */
export const testCaPem = "-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n";
/** The address test apps name in kubeconfigs (nothing listens there: tests call the app directly). */
export const testBaseUrl = "https://127.0.0.1:1";

/** What a test file asks of its app besides the defaults. */
export interface TestAppOptions {
  /** Tenant limits changed from their defaults. */
  limits?: Partial<TenantLimits>;
  allowedOrigins?: string[];
  /** Flow control changed from its defaults (in process only). */
  flowControl?: FlowControl;
}

/**
 * A runtime other than this process that serves the app (test/support/integration-on.ts): workerd
 * through miniflare, or the Lambda handler. `serve` gives the plain-http address of an instance
 * with these options, the identity of testApp's, and `signingSecret` as its token key, started
 * before the file's tests (instances may be shared between test files run together).
 */
export interface RemoteRuntime {
  name: string;
  signingSecret: string;
  serve(options: TestAppOptions): Promise<string>;
}

let remote: RemoteRuntime | null = null;

/**
 * Makes the testApp calls that follow (those of the integration files a runtime's test file
 * imports) reach the app in `runtime` over HTTP rather than in process; null goes back to Node.
 */
export function useRuntime(runtime: RemoteRuntime | null): void {
  remote = runtime;
}

/** The app over the suite's database, as tests call it with `request(...)`. */
export interface TestApp {
  /** Where the app runs: "node" (in this process) or the remote runtime's name. */
  runtime: string;
  /** The app in process; Node only (a test that needs it cannot run on another runtime). */
  app: App;
  /** One request to the app, as Hono's `app.request`: a path, answered without following redirects. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** A pool of the test's own on the suite's database, for what tests check or set up in SQL. */
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

/**
 * Builds the app once per test file — in this process, or in the runtime useRuntime chose —
 * with `options` changed from the defaults.
 */
export function testApp(options: TestAppOptions = {}): TestApp {
  const database = testDatabase(options.limits);
  const feed = new ChangeFeed(database.sql);
  // Secrets are encrypted at rest under the suite's KEK, as `npm start` encrypts them under its own.
  beforeAll(() => startKeyring(database, { KUBESANDBOX_KEK: inject("kek"), DATA_DIR: "" }, false));
  beforeAll(() => feed.start());
  afterAll(() => feed.stop());
  const { runtime, auth, app, request } = remote
    ? remoteApp(remote, options)
    : nodeApp(database, feed, options);
  const gql: TestApp["gql"] = async (query, variables = {}, token) => {
    const res = await request("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };
  let n = 0;
  return {
    runtime,
    get app() {
      if (!app) throw new Error(`this test needs the app in process, which ${runtime} has not`);
      return app;
    },
    request,
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
      return request(`/sandboxes/${sandboxId}${path}`, { ...init, headers });
    },
  };
}

type Served = Pick<TestApp, "runtime" | "auth" | "request"> & { app: App | null };

function nodeApp(database: Database, feed: ChangeFeed, options: TestAppOptions): Served {
  const auth = { signingKey: randomBytes(32), tokenTtlSeconds: 3600 };
  const app = createApp({
    database,
    feed,
    auth,
    server: { baseUrl: testBaseUrl, caPem: testCaPem },
    ready: () => true,
    metrics: prometheusMetrics,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.flowControl ? { flowControl: options.flowControl } : {}),
  });
  return { runtime: "node", auth, app, request: async (path, init) => app.request(path, init) };
}

function remoteApp(runtime: RemoteRuntime, options: TestAppOptions): Served {
  let origin = "";
  beforeAll(async () => {
    origin = await runtime.serve(options);
  });
  return {
    runtime: runtime.name,
    auth: { signingKey: new TextEncoder().encode(runtime.signingSecret), tokenTtlSeconds: 3600 },
    app: null,
    request(path, init = {}) {
      if (!origin) throw new Error(`${runtime.name}: a request before the runtime started`);
      // A streamed body must say it is sent while the answer comes (fetch's duplex), as Hono's needs not.
      const duplex = init.body instanceof ReadableStream ? { duplex: "half" } : {};
      return fetch(`${origin}${path}`, { redirect: "manual", ...init, ...duplex });
    },
  };
}
