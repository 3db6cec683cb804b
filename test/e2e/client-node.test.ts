import { readFile } from "node:fs/promises";
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
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
});
