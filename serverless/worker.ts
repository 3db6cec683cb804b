import { setWASMModules } from "argon2-wasm-edge";
import argon2WASM from "argon2-wasm-edge/wasm/argon2.wasm";
import blake2bWASM from "argon2-wasm-edge/wasm/blake2b.wasm";
import { tarCommand } from "just-bash-node-tar";
import { loadConfig } from "../config.ts";
import { Keyring } from "../db/crypto/keyring.ts";
import { addShellCommands } from "../kube/runtime/shell/added-commands.ts";
import { type ServerlessFetch, serverlessApp } from "./app.ts";
import { acceptWorkerdWebSocket } from "./websocket-pair.ts";

// workerd compiles no WebAssembly from bytes: argon2's modules come in as module imports.
(setWASMModules as (modules: { argon2WASM: WebAssembly.Module; blake2bWASM: WebAssembly.Module }) => void)({
  argon2WASM,
  blake2bWASM,
});

// `kubectl cp` runs tar in the container, which just-bash's browser build (this bundle's) leaves out.
addShellCommands(tarCommand);

/** What the Worker is bound to (wrangler.toml): Hyperdrive or a URL, secrets, and plain settings. */
export interface WorkerEnv {
  /** Hyperdrive in production: pooled connections near the database, so a request pays no set-up. */
  HYPERDRIVE?: { connectionString: string };
  /** A direct Postgres URL instead (`npm run dev:worker`, tests). */
  DATABASE_URL?: string;
  KUBESANDBOX_JWT_SECRET: string;
  KUBESANDBOX_KEK: string;
  PUBLIC_URL: string;
  /** The CA kubeconfigs trust, PEM; absent behind a publicly trusted certificate. */
  CLUSTER_CA_PEM?: string;
  [setting: string]: unknown;
}

interface ExecutionContext {
  waitUntil(work: Promise<unknown>): void;
}

// Built by the first request of the isolate, and kept (a value, not a promise: workerd does not
// let one request wait on another's promise).
let handler: ServerlessFetch | undefined;

async function build(env: WorkerEnv): Promise<ServerlessFetch> {
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const databaseUrl = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error("bind HYPERDRIVE or set DATABASE_URL");
  if (!env.KUBESANDBOX_JWT_SECRET || env.KUBESANDBOX_JWT_SECRET.length < 32)
    throw new Error("KUBESANDBOX_JWT_SECRET must be a secret of at least 32 characters");
  return serverlessApp({
    config: loadConfig(strings),
    databaseUrl,
    signingKey: new TextEncoder().encode(env.KUBESANDBOX_JWT_SECRET),
    keyring: await Keyring.fromEnv(env.KUBESANDBOX_KEK ?? ""),
    caPem: env.CLUSTER_CA_PEM ?? "",
    baseUrl: env.PUBLIC_URL,
    // exec, attach, port-forward and graphql-ws: a 101 carrying one end of a WebSocketPair.
    acceptWebSocket: acceptWorkerdWebSocket,
  });
}

/** The Worker: the whole HTTP surface (GraphQL, the Kubernetes API) on workerd. */
export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    handler ??= await build(env);
    return handler(request, request.headers.get("cf-connecting-ip"), (work) => ctx.waitUntil(work));
  },
};
