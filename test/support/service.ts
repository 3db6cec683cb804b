import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { freePort } from "../../db/embedded.ts";
import { suiteDatabaseUrl } from "./db.ts";
import { graphql, type ServiceProcess, spawnService } from "./process.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..", "..");

/** The real kubectl: /usr/bin/kubectl, or whatever is first on PATH. */
export const kubectlPath = existsSync("/usr/bin/kubectl") ? "/usr/bin/kubectl" : "kubectl";
/** Debian's kubernetes-client (kubectl 1.20), unpacked by .ci/install-clients into .ci/tools. */
export const debianKubectlPath = resolve(root, ".ci", "tools", "kubernetes-client", "usr", "bin", "kubectl");

/** A running `node main.ts` for a test: its process, https address and data directory. */
export interface Service extends ServiceProcess {
  https: string;
  dataDir: string;
}

/**
 * Starts the service on free ports (or those of an earlier run, with its data directory); with
 * `databaseUrl` null it runs on its embedded Postgres.
 */
export async function startService(
  databaseUrl: string | null,
  reuse?: { dataDir: string; http: string; https: string },
): Promise<Service> {
  const dir = reuse?.dataDir ?? (await mkdtemp(join(tmpdir(), "kubesandbox-e2e-")));
  // A port found free may be taken by a test file running beside this one before the service
  // listens on it: new ones are tried then (a restart keeps its own: its kubeconfigs name them).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(databaseUrl, dir, reuse);
    } catch (err) {
      if (reuse || attempt === 3 || !/EADDRINUSE|[Aa]ddress already in use/.test(String(err))) throw err;
    }
  }
}

async function startOn(
  databaseUrl: string | null,
  dir: string,
  reuse?: { http: string; https: string },
): Promise<Service> {
  const [port, httpsPort] = reuse
    ? [Number(new URL(reuse.http).port), Number(new URL(reuse.https).port)]
    : [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HTTPS_PORT: String(httpsPort),
    DATA_DIR: dir,
    LOG_LEVEL: "warn",
  };
  // On the suite's database, the suite's KEK; on its own embedded one, the service makes its own.
  delete env.KUBESANDBOX_KEK_FILE;
  if (databaseUrl) {
    env.DATABASE_URL = databaseUrl;
    env.KUBESANDBOX_KEK = inject("kek");
  } else {
    delete env.DATABASE_URL;
    delete env.KUBESANDBOX_KEK;
  }
  const started = await spawnService(env, port);
  return { ...started, https: `https://127.0.0.1:${httpsPort}`, dataDir: dir };
}

/** Removes a data directory made by startService. */
export function removeDataDir(dir: string) {
  return rm(dir, { recursive: true, force: true });
}

export { graphql };

/** Signs up a new user on a running service and creates a sandbox; returns the kubeconfig path. */
export async function sandboxKubeconfig(
  service: Service,
  name: string,
): Promise<{ path: string; id: string; userToken: string }> {
  const email = `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const up = await graphql(
    service.http,
    `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`,
    { e: email },
  );
  const userToken = up.data.signUp.token;
  const sb = await graphql(
    service.http,
    `mutation($n:String!){createSandbox(name:$n){id kubeconfig}}`,
    { n: name },
    userToken,
  );
  const path = join(service.dataDir, `kubeconfig-${name}`);
  await writeFile(path, sb.data.createSandbox.kubeconfig);
  return { path, id: sb.data.createSandbox.id, userToken };
}

/**
 * The read-only kubeconfig an instructor gets for a student's sandbox (GraphQL `sandbox`, whose
 * access must be READ_ONLY), written to the service's data directory; its path.
 */
export async function readOnlyKubeconfig(
  service: Service,
  instructorToken: string,
  sandboxId: string,
  name: string,
): Promise<string> {
  const view = await graphql(
    service.http,
    `query($s:ID!){sandbox(id:$s){access kubeconfig}}`,
    { s: sandboxId },
    instructorToken,
  );
  expect(view.data.sandbox.access).toBe("READ_ONLY");
  const path = join(service.dataDir, `kubeconfig-${name}`);
  await writeFile(path, view.data.sandbox.kubeconfig);
  return path;
}

/**
 * A kubeconfig issued by hand for a sandbox (GraphQL `issueKubeconfig`), written to the
 * service's data directory: its path, and how to revoke it.
 */
export async function revocableKubeconfig(
  service: Service,
  sandbox: { id: string; userToken: string },
  label: string,
): Promise<{ path: string; revoke: () => Promise<{ errors?: unknown[] }> }> {
  const made = await graphql(
    service.http,
    `mutation($s:ID!,$l:String!){issueKubeconfig(sandboxId:$s,label:$l){token{id} kubeconfig}}`,
    { s: sandbox.id, l: label },
    sandbox.userToken,
  );
  const path = join(service.dataDir, `kubeconfig-${label}`);
  await writeFile(path, made.data.issueKubeconfig.kubeconfig);
  return {
    path,
    revoke: () =>
      graphql(
        service.http,
        `mutation($t:ID!){revokeKubeconfig(tokenId:$t)}`,
        { t: made.data.issueKubeconfig.token.id },
        sandbox.userToken,
      ),
  };
}

/** The output of one kubectl run: exit code, stdout, stderr. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl with a kubeconfig (and its own cache dir); never throws on a non-zero exit. */
export function kubectl(
  kubeconfig: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<KubectlResult> {
  return kubectlAt(kubectlPath, kubeconfig, args, env);
}

/**
 * Runs a given kubectl binary (another version than /usr/bin/kubectl's), with a cache dir of
 * its own per binary; never throws on a non-zero exit.
 */
export async function kubectlAt(
  binary: string,
  kubeconfig: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<KubectlResult> {
  const suffix = binary === kubectlPath ? "" : `-${binary.replace(/[^\w.]+/g, "_")}`;
  const cache = join(tmpdir(), `kubesandbox-kubectl-cache${suffix}`);
  try {
    // Before a `--`, so the flag is kubectl's and not the command's (kubectl exec ... -- cat).
    const end = args.indexOf("--");
    const full =
      end < 0
        ? [...args, `--cache-dir=${cache}`]
        : [...args.slice(0, end), `--cache-dir=${cache}`, ...args.slice(end)];
    const { stdout, stderr } = await run(binary, full, {
      env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The folder of the tutorial's manifests (test/fixtures/tutorial). */
export const tutorialManifests = resolve(root, "test", "fixtures", "tutorial");

/** A test file's service and sandbox, as useSandbox hands them out (set once its beforeAll ran). */
export interface SandboxFixture {
  readonly service: Service;
  readonly sandbox: Awaited<ReturnType<typeof sandboxKubeconfig>>;
  /** The real kubectl with the sandbox's kubeconfig. */
  kubectl(...args: string[]): Promise<KubectlResult>;
}

/**
 * The set-up most end-to-end files share: before their tests, `npm start`'s service on the
 * suite's database and a new sandbox `name` with its kubeconfig; after them, a Ctrl-C that must
 * exit 0, and the data directory removed.
 */
export function useSandbox(name: string): SandboxFixture {
  let service: Service | undefined;
  let sandbox: Awaited<ReturnType<typeof sandboxKubeconfig>> | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useSandbox: used before its beforeAll ran");
    return value;
  };
  beforeAll(async () => {
    service = await startService(suiteDatabaseUrl());
    sandbox = await sandboxKubeconfig(service, name);
  });
  afterAll(async () => {
    if (!service) return;
    expect(await service.stop()).toBe(0);
    await removeDataDir(service.dataDir);
  });
  return {
    get service() {
      return ready(service);
    },
    get sandbox() {
      return ready(sandbox);
    },
    kubectl: (...args) => kubectl(ready(sandbox).path, args),
  };
}
