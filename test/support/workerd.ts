import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { Miniflare } from "miniflare";
import { ensureTls } from "../../server/certs.ts";
import { buildWorker, workerdOptions } from "../../serverless/build/worker.ts";
import { nodeFlags } from "./process.ts";

const root = resolve(import.meta.dirname, "..", "..");

/** The worker bundle running in workerd (miniflare), with a TLS front and the controllers beside it. */
export interface WorkerdService {
  /** Miniflare's own plain-http address (GraphQL; what the platform's edge would reach). */
  http: string;
  /** The TLS front: the address kubeconfigs name, as a Worker's custom domain would be. */
  https: string;
  caPem: string;
  dataDir: string;
  /** Stops the controllers (their exit code), workerd and the front. */
  stop(): Promise<number | null>;
}

/**
 * Builds the worker bundle (`npm run build:worker`'s) into a temporary folder and runs it in
 * workerd through miniflare on `databaseUrl`, as `npm run dev:worker` does, with `npm run worker`
 * beside it unless `controllers` is false. Cloudflare's edge terminates TLS in production; here a
 * TLS socket front with a certificate from the service's own CA (server/certs.ts) does, passing
 * bytes through, so watches stream as they would.
 */
export async function startWorkerd(
  databaseUrl: string,
  kek: string,
  options: { controllers?: boolean } = {},
): Promise<WorkerdService> {
  const dataDir = await mkdtemp(join(tmpdir(), "kubesandbox-workerd-"));
  const tls = await ensureTls(dataDir, []);
  let target = 0;
  const open = new Set<Socket>();
  const front = createTlsServer({ cert: tls.certPem, key: tls.keyPem }, (client) => {
    const upstream = tcpConnect(target, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((done) => front.listen(0, "127.0.0.1", done));
  const httpsPort = (front.address() as { port: number }).port;
  const https = `https://127.0.0.1:${httpsPort}`;

  const outDir = join(dataDir, "worker");
  await buildWorker(outDir);
  const mf = new Miniflare({
    ...workerdOptions(outDir),
    host: "127.0.0.1",
    bindings: {
      DATABASE_URL: databaseUrl,
      KUBESANDBOX_JWT_SECRET: "workerd-test-signing-key-of-forty-characters",
      KUBESANDBOX_KEK: kek,
      PUBLIC_URL: https,
      CLUSTER_CA_PEM: tls.caPem,
      LOG_LEVEL: "warn",
    },
  });
  const url = await mf.ready;
  target = Number(url.port);

  let workers: ChildProcess | null = null;
  if (options.controllers !== false) {
    workers = spawn(process.execPath, [...nodeFlags, join(root, "workers", "main.ts")], {
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
  return {
    http: url.origin,
    https,
    caPem: tls.caPem,
    dataDir,
    async stop() {
      const code = await new Promise<number | null>((done) => {
        if (!workers || workers.exitCode !== null) return done(workers?.exitCode ?? null);
        workers.once("exit", (c) => done(c));
        workers.kill("SIGINT");
      });
      await mf.dispose();
      const closed = new Promise((done) => front.close(done));
      for (const socket of open) socket.destroy();
      await closed;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
