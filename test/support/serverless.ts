import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { Miniflare } from "miniflare";
import { freePort } from "../../db/embedded.ts";
import { ensureTls } from "../../server/certs.ts";
import { buildLambda } from "../../serverless/build/lambda.ts";
import { buildWorker, workerdOptions } from "../../serverless/build/worker.ts";
import { nodeFlags } from "./process.ts";

const root = resolve(import.meta.dirname, "..", "..");

/** The request path running serverless, with the controllers (`npm run worker`) beside it. */
export interface ServerlessService {
  /** The https address kubeconfigs name, and everything is reached through. */
  https: string;
  /** workerd's own plain http, behind the front (what Cloudflare's edge would reach). */
  http?: string;
  caPem: string;
  dataDir: string;
  /** Stops it all; resolves with the controllers' exit code. */
  stop(): Promise<number | null>;
}

/** The same secrets every runtime of one deployment shares. */
export const signingSecret = "serverless-test-signing-key-of-forty-chars";

/** `npm run worker` on the database, reading the CA from `dataDir` as the Node host would. */
function spawnControllers(databaseUrl: string, kek: string, dataDir: string): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, join(root, "workers", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_KEK: kek,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** How a test starts a runtime: its settings, whether the controllers run beside it, and so on. */
export interface ServerlessOptions {
  /** Settings as the platform's variables (LIMIT_*, TOKEN_TTL_SECONDS, ...). */
  settings?: Record<string, string>;
  /** Whether `npm run worker` runs beside it (the default). */
  controllers?: boolean;
  /** The address and CA its kubeconfigs name, in place of its own TLS front's. */
  identity?: { baseUrl: string; caPem: string };
  /** Lambda: a plain-http Function URL (for tests and the bench that measure the handler, not TLS). */
  plainHttp?: boolean;
}

/** The two runtimes' starters, as test files take them. */
export type StartServerless = (
  databaseUrl: string,
  kek: string,
  options?: ServerlessOptions,
) => Promise<ServerlessService>;

function interrupt(child: ChildProcess | null): Promise<number | null> {
  return new Promise((done) => {
    if (!child || child.exitCode !== null) return done(child?.exitCode ?? null);
    child.once("exit", (code) => done(code));
    child.kill("SIGINT");
  });
}

/**
 * The worker bundle (`npm run build:worker`'s, built into a temporary folder) in workerd through
 * miniflare on `databaseUrl`. Cloudflare's edge terminates TLS in production; here a TLS socket
 * front with a certificate of the service's own CA (server/certs.ts) does, passing bytes through,
 * so watches stream as they would.
 */
export const startWorkerd: StartServerless = async (databaseUrl, kek, options = {}) => {
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-workerd-"));
  const tls = await ensureTls(dataDir, []);
  let target = 0;
  const open = new Set<Socket>();
  const front = createTlsServer({ cert: tls.certPem, key: tls.keyPem }, (client) => {
    // Bytes pass on at once both ways (TCP_NODELAY): with Nagle's algorithm the second piece of
    // a request written in two waited for the peer's delayed ACK, some 40 ms a request.
    client.setNoDelay(true);
    const upstream = tcpConnect({ port: target, host: "127.0.0.1", noDelay: true });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((done) => front.listen(0, "127.0.0.1", done));
  const https = `https://127.0.0.1:${(front.address() as { port: number }).port}`;

  const outDir = join(dataDir, "worker");
  await buildWorker(outDir);
  const mf = new Miniflare({
    ...workerdOptions(outDir),
    host: "127.0.0.1",
    bindings: {
      ...options.settings,
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_JWT_SECRET: signingSecret,
      KUBESANDBOX_KEK: kek,
      PUBLIC_URL: options.identity?.baseUrl ?? https,
      CLUSTER_CA_PEM: options.identity?.caPem ?? tls.caPem,
    },
  });
  const ready = await mf.ready;
  target = Number(ready.port);
  const controllers = options.controllers === false ? null : spawnControllers(databaseUrl, kek, dataDir);
  return {
    https,
    http: ready.origin,
    caPem: tls.caPem,
    dataDir,
    async stop() {
      const code = await interrupt(controllers);
      await mf.dispose();
      const closed = new Promise((done) => front.close(done));
      for (const socket of open) socket.destroy();
      await closed;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
};

/**
 * The Lambda package's bundle (`npm run build:lambda`'s) in a process of its own behind a local
 * Function URL in streaming mode (test/support/lambda-url.ts), with the environment a deployed
 * function would have.
 */
export const startLambda: StartServerless = async (databaseUrl, kek, options = {}) => {
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-lambda-"));
  const tls = await ensureTls(dataDir, []);
  const { bundle } = await buildLambda(join(dataDir, "lambda"));
  const port = await freePort();
  const https = `${options.plainHttp ? "http" : "https"}://127.0.0.1:${port}`;
  const lambda = spawn(process.execPath, [join(root, "test", "support", "lambda-url.ts"), bundle], {
    cwd: root,
    env: {
      ...options.settings,
      PATH: process.env.PATH,
      PORT: String(port),
      ...(options.plainHttp
        ? {}
        : { TLS_CERT: join(dataDir, "tls", "server.crt"), TLS_KEY: join(dataDir, "tls", "server.key") }),
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_JWT_SECRET: signingSecret,
      KUBESANDBOX_KEK: kek,
      PUBLIC_URL: options.identity?.baseUrl ?? https,
      CLUSTER_CA_PEM: options.identity?.caPem ?? tls.caPem,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((done, fail) => {
    lambda.stdout?.once("data", () => done());
    lambda.once("exit", (code) => fail(new Error(`the Function URL stand-in exited (${code})`)));
  });
  const controllers = options.controllers === false ? null : spawnControllers(databaseUrl, kek, dataDir);
  return {
    https,
    ...(options.plainHttp ? { http: https } : {}),
    caPem: tls.caPem,
    dataDir,
    async stop() {
      const code = await interrupt(controllers);
      lambda.kill("SIGKILL");
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
};
