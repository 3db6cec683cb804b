/**
 * Captures the request bodies that the real kubectl sends for `kubectl create ...`, by pointing it at a
 * tiny fake API server that serves just enough discovery. Used by the tests (when kubectl is installed)
 * and, run directly, to refresh the binary fixtures:
 *
 *   node kube/protobuf/capture.ts            # writes kube/protobuf/fixtures/<name>.pb
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

type Resource = [name: string, singular: string, kind: string, namespaced: boolean];

const verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
const groups: Record<string, Resource[]> = {
  v1: [
    ["namespaces", "namespace", "Namespace", false],
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
};

function discovery(path: string): unknown {
  if (path === "/version") return { major: "1", minor: "32", gitVersion: "v1.32.0" };
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"] };
  if (path === "/apis") {
    const apiGroups = Object.keys(groups)
      .filter((gv) => gv.includes("/"))
      .map((groupVersion) => {
        const version = { groupVersion, version: "v1" };
        return { name: groupVersion.split("/")[0], versions: [version], preferredVersion: version };
      });
    return { kind: "APIGroupList", apiVersion: "v1", groups: apiGroups };
  }
  const groupVersion = path === "/api/v1" ? "v1" : path.replace(/^\/apis\//, "");
  const resources = groups[groupVersion];
  if (!resources) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: resources.map(([name, singularName, kind, namespaced]) => ({
      name,
      singularName,
      kind,
      namespaced,
      verbs,
    })),
  };
}

/**
 * Runs `kubectl <args>` once per entry against a fake API server and returns the body of the single
 * POST each one made, keyed like the input.
 */
export async function captureKubectlBodies(
  commands: Record<string, string[]>,
  kubectl = "/usr/bin/kubectl",
): Promise<Record<string, CapturedBody>> {
  let last: CapturedBody | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      res.setHeader("Content-Type", "application/json");
      if (req.method === "POST") {
        last = { contentType: req.headers["content-type"] ?? "", body: new Uint8Array(Buffer.concat(chunks)) };
        res.statusCode = 201;
        res.end(JSON.stringify({ apiVersion: "v1", kind: "Status", status: "Success" }));
        return;
      }
      const answer = req.method === "GET" ? discovery(path) : undefined;
      res.statusCode = answer ? 200 : 404;
      res.end(JSON.stringify(answer ?? { kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), "kubectl-capture-"));
  const kubeconfig = join(dir, "config");
  await writeFile(kubeconfig, "");
  const run = promisify(execFile);
  const captured: Record<string, CapturedBody> = {};
  try {
    for (const [name, args] of Object.entries(commands)) {
      last = undefined;
      await run(
        kubectl,
        [
          `--server=http://127.0.0.1:${port}`,
          `--kubeconfig=${kubeconfig}`,
          `--cache-dir=${join(dir, "cache")}`,
          "--validate=false",
          ...args,
        ],
        { env: { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: kubeconfig } },
      );
      if (!last) throw new Error(`kubectl ${args.join(" ")} sent no POST`);
      captured[name] = last;
    }
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return captured;
}

/** The kubectl invocations whose bodies are kept as fixtures. */
export const fixtureCommands: Record<string, string[]> = {
  namespace: ["create", "namespace", "x"],
  secret: ["create", "secret", "generic", "s", "--from-literal=username=admin", "--from-literal=password=1f2d1e2e67df"],
  configmap: ["create", "configmap", "c", "--from-literal=a=b"],
  deployment: ["create", "deployment", "d", "--image=nginx", "--replicas=0"],
  serviceaccount: ["create", "serviceaccount", "sa1"],
};

if (import.meta.filename === process.argv[1]) {
  const captured = await captureKubectlBodies(fixtureCommands);
  for (const [name, { contentType, body }] of Object.entries(captured)) {
    const file = join(import.meta.dirname, "fixtures", `${name}.pb`);
    await writeFile(file, body);
    console.log(`${file}: ${body.length} bytes, ${contentType}`);
  }
}
