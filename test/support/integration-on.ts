import { afterAll, describe, inject } from "vitest";
import { limitSettings } from "../../config.ts";
import { type RemoteRuntime, type TestAppOptions, testBaseUrl, testCaPem, useRuntime } from "./app.ts";
import { suiteDatabaseUrl } from "./db.ts";
import { type ServerlessService, type StartServerless, signingSecret } from "./serverless.ts";

/**
 * The integration files that run on each serverless runtime as well as in process: those that
 * drive the app only through HTTP (GraphQL and the Kubernetes API). Left out, and why:
 * - graphql-ws, and exec, attach, port-forward (test/e2e): they attach Node's upgrade handlers
 *   to a listener of their own; on workerd the same streams are driven by real kubectl in
 *   test/serverless/streams-workerd.test.ts, and what Lambda answers in streams-lambda.test.ts.
 * - http-surface, attempt-limits, health: what the Node host tells the app of each request (its
 *   listener, the client's address) and the Node server's own endpoints (/metrics).
 * - graphql-batching, graphql-limits, watch-limits, secret-rotation: they build the app
 *   themselves around a wrapped database or a keyring of their own, or count its statements.
 * - request-bodies: it counts the bytes the app took from a body stream, which over a socket
 *   include what the kernel and the runtime buffer, and declares a Content-Length fetch will not
 *   send falsely (the 413s themselves are the same: no-500 and bad-input send oversized bodies).
 * - The controller and store files (scheduler, kubelet, replication, ...): they test the
 *   workers' tasks, which run on Node (`npm run worker`) whatever serves the API.
 */
export const integrationSuites: Record<string, () => Promise<unknown>> = {
  "kube-api": () => import("../integration/kube-api.test.ts"),
  "server-side-apply": () => import("../integration/server-side-apply.test.ts"),
  "typed-decoding": () => import("../integration/typed-decoding.test.ts"),
  "bad-input": () => import("../integration/bad-input.test.ts"),
  "no-500": () => import("../integration/no-500.test.ts"),
  "delete-options": () => import("../integration/delete-options.test.ts"),
  deletion: () => import("../integration/deletion.test.ts"),
  workloads: () => import("../integration/workloads.test.ts"),
  services: () => import("../integration/services.test.ts"),
  reviews: () => import("../integration/reviews.test.ts"),
  "quota-limits": () => import("../integration/quota-limits.test.ts"),
  "graphql-cluster": () => import("../integration/graphql-cluster.test.ts"),
  "authorization-matrix": () => import("../integration/authorization-matrix.test.ts"),
  accounts: () => import("../integration/accounts.test.ts"),
  classrooms: () => import("../integration/classrooms.test.ts"),
  secrets: () => import("../integration/secrets.test.ts"),
  "sandbox-limits": () => import("../integration/sandbox-limits.test.ts"),
  "student-limits": () => import("../integration/student-limits.test.ts"),
  revocation: () => import("../integration/revocation.test.ts"),
};

/**
 * The platform settings of an instance for testApp's `options`, the in-process app's defaults
 * otherwise. The in-process app is told no client address, so no per-address budget applies to
 * it; a runtime here reports 127.0.0.1 for every request of every test, so those budgets are
 * lifted, as they would be by the addresses of a class.
 */
function settingsOf(options: TestAppOptions): Record<string, string> {
  const settings: Record<string, string> = {
    TOKEN_TTL_SECONDS: "3600",
    [limitSettings.signUpsPerAddress]: "1000000",
    [limitSettings.logInsPerAddress]: "1000000",
  };
  for (const [limit, value] of Object.entries(options.limits ?? {}))
    settings[limitSettings[limit as keyof typeof limitSettings]] = String(value);
  if (options.allowedOrigins) settings.ALLOWED_ORIGINS = options.allowedOrigins.join(",");
  return settings;
}

let called = false;

/**
 * Runs integrationSuites but `except` (the files' own tests, unchanged) against the app in a serverless
 * runtime that `start` starts, on the suite's Postgres: one instance for all the files that
 * ask for the same settings, started when the first needs it, stopped after the last. No
 * controllers run beside it, as none run beside the in-process app of these files.
 */
export function integrationSuitesOn(
  name: string,
  start: StartServerless,
  options: { except?: string[] } = {},
): void {
  // A test file loads each module once, so the suites register their tests once: one runtime a file.
  if (called) throw new Error(`integrationSuitesOn: one runtime a test file (${name} is the second)`);
  called = true;
  const suites = Object.entries(integrationSuites).filter(([file]) => !options.except?.includes(file));
  const instances = new Map<string, Promise<ServerlessService>>();
  const runtime: RemoteRuntime = {
    name,
    signingSecret,
    async serve(options) {
      const settings = settingsOf(options);
      const key = JSON.stringify(settings);
      let instance = instances.get(key);
      if (!instance) {
        instance = start(suiteDatabaseUrl(), inject("kek"), {
          settings,
          controllers: false,
          identity: { baseUrl: testBaseUrl, caPem: testCaPem },
          plainHttp: true,
        });
        instances.set(key, instance);
      }
      const { http } = await instance;
      if (!http) throw new Error(`${name} gave no plain-http address`);
      return http;
    },
  };
  afterAll(async () => {
    const started = await Promise.allSettled(instances.values());
    for (const s of started) if (s.status === "fulfilled") await s.value.stop();
  });
  for (const [file, load] of suites)
    describe(`${file} on ${name}`, async () => {
      // The file's testApp calls, made as it loads, reach this runtime.
      useRuntime(runtime);
      await load();
    });
}
