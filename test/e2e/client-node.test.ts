import { readFile } from "node:fs/promises";
import {
  ApisApi,
  AppsV1Api,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("client-node");
let core: CoreV1Api;
let kc: KubeConfig;

beforeAll(async () => {
  kc = new KubeConfig();
  kc.loadFromString(await readFile(cluster.sandbox.path, "utf8"));
  core = kc.makeApiClient(CoreV1Api);
});

describe("@kubernetes/client-node against a sandbox, with the kubeconfig as handed out", () => {
  it("lists nodes and namespaces", async () => {
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["node-1", "node-2", "node-3"]);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain("kube-system");
  });

  it("creates, reads, patches and deletes a namespace", async () => {
    const created = await core.createNamespace({
      body: { metadata: { name: "from-client", labels: { a: "1" } } },
    });
    expect(created.status?.phase).toBe("Active");
    const read = await core.readNamespace({ name: "from-client" });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    const patched = await core.patchNamespace(
      { name: "from-client", body: { metadata: { labels: { a: null, b: "2" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toEqual({ b: "2", "kubernetes.io/metadata.name": "from-client" });
    const deleted = await core.deleteNamespace({ name: "from-client" });
    expect(deleted).toBeTruthy();
  });

  it("gets the API server's Status on errors", async () => {
    await expect(core.readNamespace({ name: "missing" })).rejects.toMatchObject({ code: 404 });
    await expect(core.createNamespace({ body: { metadata: { name: "Bad_Name" } } })).rejects.toMatchObject({
      code: 422,
    });
    const conflict = await core
      .createNamespace({ body: { metadata: { name: "kube-system" } } })
      .catch((e) => e);
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).reason).toBe("AlreadyExists");
  });

  it("watches namespaces from a list's resourceVersion", async () => {
    const list = await core.listNamespace();
    const seen: string[] = [];
    const watch = new Watch(kc);
    const done = new Promise<void>((resolve) => {
      void watch
        .watch(
          "/api/v1/namespaces",
          { resourceVersion: list.metadata?.resourceVersion },
          (type, obj) => {
            seen.push(`${type} ${obj.metadata.name}`);
            if (seen.length === 1) resolve();
          },
          () => resolve(),
        )
        .then((req) => {
          void done.then(() => req.abort());
        });
    });
    await new Promise((r) => setTimeout(r, 200));
    await core.createNamespace({ body: { metadata: { name: "watched-by-client" } } });
    await done;
    expect(seen).toEqual(["ADDED watched-by-client"]);
  });

  it("discovers the API groups, then creates a deployment from YAML through the generic object client", async () => {
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(["apps", "authorization.k8s.io", "authentication.k8s.io"]),
    );
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const manifest = loadYaml<KubernetesObject>(
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: from-yaml, namespace: default}",
        "spec:",
        "  replicas: 1",
        "  selector: {matchLabels: {app: from-yaml}}",
        "  template:",
        "    metadata: {labels: {app: from-yaml}}",
        "    spec: {containers: [{name: web, image: 'nginx:1.27'}]}",
      ].join("\n"),
    );
    const created = await objects.create(manifest);
    expect(created.metadata?.uid).toBeTruthy();
    const read = await kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: "from-yaml", namespace: "default" });
    expect(read.spec?.replicas).toBe(1);
    await objects.delete(manifest);
  });

  it("asks what it may do and who it is", async () => {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: "delete", resource: "pods", namespace: "default" } } },
    });
    expect(review.status?.allowed).toBe(true);
    const who = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(who.status?.userInfo?.groups).toEqual(["system:masters", "system:authenticated"]);
    const token = await core.createNamespacedServiceAccountToken({
      name: "default",
      namespace: "default",
      body: { spec: { expirationSeconds: 600 } },
    });
    expect(token.status?.token).toMatch(/^eyJ/);
  });
});
