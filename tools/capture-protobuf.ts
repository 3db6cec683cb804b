/**
 * Runs the real kubectl against a tiny fake API server that serves just enough discovery and records
 * the body of each POST (answering with the same bytes, as if the object had been created). Used by
 * the tests when kubectl is installed and, run directly, to refresh the binary fixtures:
 *
 *   node tools/capture-protobuf.ts            # writes test/fixtures/protobuf/<name>.pb
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** A request body kubectl sent, with its content type. */
export interface CapturedBody {
  contentType: string;
  body: Uint8Array;
}

/** A running fake API server; `kubectl` runs one kubectl command against it. */
export interface FakeApiServer {
  kubectl(args: string[]): Promise<{ stdout: string; posted: CapturedBody | undefined }>;
  close(): Promise<void>;
}

type Resource = [name: string, singular: string, kind: string, namespaced: boolean];

const verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
const resources: Record<string, Resource[]> = {
  v1: [
    ["namespaces", "namespace", "Namespace", false],
    ["pods", "pod", "Pod", true],
    ["secrets", "secret", "Secret", true],
    ["configmaps", "configmap", "ConfigMap", true],
    ["serviceaccounts", "serviceaccount", "ServiceAccount", true],
    ["services", "service", "Service", true],
    ["resourcequotas", "resourcequota", "ResourceQuota", true],
  ],
  "apps/v1": [["deployments", "deployment", "Deployment", true]],
  "batch/v1": [
    ["jobs", "job", "Job", true],
    ["cronjobs", "cronjob", "CronJob", true],
  ],
  "rbac.authorization.k8s.io/v1": [
    ["roles", "role", "Role", true],
    ["rolebindings", "rolebinding", "RoleBinding", true],
    ["clusterroles", "clusterrole", "ClusterRole", false],
    ["clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false],
  ],
  "policy/v1": [["poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true]],
  "networking.k8s.io/v1": [["ingresses", "ingress", "Ingress", true]],
  "scheduling.k8s.io/v1": [["priorityclasses", "priorityclass", "PriorityClass", false]],
};

function discovery(path: string): unknown {
  if (path === "/version") return { major: "1", minor: "32", gitVersion: "v1.32.0" };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"] };
  if (path === "/apis") {
    const groups = Object.keys(resources)
      .filter((groupVersion) => groupVersion.includes("/"))
      .map((groupVersion) => {
        const version = { groupVersion, version: "v1" };
        return { name: groupVersion.split("/")[0], versions: [version], preferredVersion: version };
      });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }
  const groupVersion = path === "/api/v1" ? "v1" : path.replace(/^\/apis\//, "");
  const list = resources[groupVersion];
  return (
    list && {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion,
      resources: list.map(([name, singularName, kind, namespaced]) => ({
        name,
        singularName,
        kind,
        namespaced,
        verbs,
      })),
    }
  );
}

/** Starts the fake API server on a random 127.0.0.1 port, with a throwaway kubeconfig and cache. */
export async function startFakeApiServer(kubectlPath = "/usr/bin/kubectl"): Promise<FakeApiServer> {
  let posted: CapturedBody | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.method === "POST") {
        posted = { contentType: req.headers["content-type"] ?? "", body: new Uint8Array(body) };
        res.writeHead(201, { "Content-Type": posted.contentType }).end(body);
        return;
      }
      const answer = req.method === "GET" ? discovery((req.url ?? "/").split("?")[0] ?? "/") : undefined;
      res.writeHead(answer ? 200 : 404, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer ?? { kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), "kubectl-capture-"));
  const kubeconfig = join(dir, "config");
  await writeFile(kubeconfig, "");
  const run = promisify(execFile);
  return {
    async kubectl(args) {
      posted = undefined;
      const global = [
        `--server=http://127.0.0.1:${port}`,
        `--kubeconfig=${kubeconfig}`,
        `--cache-dir=${dir}/cache`,
      ];
      const env = { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: kubeconfig };
      const { stdout } = await run(kubectlPath, [...global, ...args], { env });
      return { stdout, posted };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The kubectl invocations whose bodies are kept as test/fixtures/protobuf/<name>.pb. */
export const fixtureCommands: Record<string, string[]> = {
  namespace: ["create", "namespace", "x"],
  secret: [
    "create",
    "secret",
    "generic",
    "s",
    "--from-literal=username=admin",
    "--from-literal=password=1f2d1e2e67df",
  ],
  configmap: ["create", "configmap", "c", "--from-literal=a=b"],
  deployment: ["create", "deployment", "d", "--image=nginx", "--replicas=0"],
  serviceaccount: ["create", "serviceaccount", "sa1"],
};

if (import.meta.filename === process.argv[1]) {
  const server = await startFakeApiServer();
  try {
    for (const [name, args] of Object.entries(fixtureCommands)) {
      const { posted } = await server.kubectl(args);
      if (!posted) throw new Error(`kubectl ${args.join(" ")} sent no POST`);
      const file = join(import.meta.dirname, "..", "test", "fixtures", "protobuf", `${name}.pb`);
      await writeFile(file, posted.body);
      console.log(`${file}: ${posted.body.length} bytes, ${posted.contentType}`);
    }
  } finally {
    await server.close();
  }
}
