import { describe, expect, it } from "vitest";
import { reconcileServiceAccounts } from "../../workers/serviceaccount/task.ts";
import { testCaPem } from "../support/app.ts";
import { testCluster } from "../support/cluster.ts";

// The service account controller and the root CA publisher, run as their jobs would run them.
const c = testCluster("serviceaccounts");
const sync = (namespace: string) =>
  reconcileServiceAccounts(c.t.database, { sandbox: c.sandbox, namespace }, testCaPem);
const sa = (ns: string) => `/api/v1/namespaces/${ns}/serviceaccounts/default`;
const rootCa = (ns: string) => `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`;
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

describe("what every namespace gets", () => {
  it("a default ServiceAccount and the kube-root-ca.crt ConfigMap", async () => {
    const ns = await c.namespace();
    await sync(ns);
    expect((await c.get(sa(ns))).metadata.name).toBe("default");
    const cm = await c.get(rootCa(ns));
    expect(cm.metadata.annotations).toEqual({ "kubernetes.io/description": description });
    expect(Object.keys(cm.data)).toEqual(["ca.crt"]);
    expect(cm.data["ca.crt"]).toMatch(
      /^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+\n-----END CERTIFICATE-----\s*$/,
    );
  });

  it("are in a new sandbox's namespaces from the start, written as the controllers write them, with no job", async () => {
    const fresh = await c.t.newSandbox("sa-fresh");
    const get = async (path: string) => (await c.t.kube(fresh.sandboxId, fresh.sandboxToken, path)).json();
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expect((await get(sa(ns))).metadata.name).toBe("default");
      const cm = await get(rootCa(ns));
      expect(cm.data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(cm.metadata.managedFields.map((f: any) => [f.manager, f.operation])).toEqual([
        ["kube-controller-manager", "Update"],
      ]);
    }
    const jobs = await c.t.database.sql`
      SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`${fresh.sandboxId}:serviceaccount:%`}`;
    expect(jobs).toEqual([]);
  });

  it("makes them again when deleted, and puts back changed CA data", async () => {
    const ns = await c.namespace();
    await sync(ns);
    const first = await c.get(sa(ns));
    await c.json(c.send("DELETE", sa(ns)), 200);
    await c.patch(rootCa(ns), { data: { "ca.crt": "tampered" } });
    await sync(ns);
    const again = await c.get(sa(ns));
    expect(again.metadata.uid).not.toBe(first.metadata.uid);
    expect((await c.get(rootCa(ns))).data["ca.crt"]).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // Nothing to do: nothing written.
    const rv = (await c.get(rootCa(ns))).metadata.resourceVersion;
    await sync(ns);
    expect((await c.get(rootCa(ns))).metadata.resourceVersion).toBe(rv);
  });

  it("leaves a terminating namespace alone", async () => {
    const ns = await c.namespace();
    await c.json(c.send("DELETE", `/api/v1/namespaces/${ns}`), 200);
    await sync(ns);
    expect(await c.get(rootCa(ns))).toBeNull();
  });

  it("is asked for by the writes that call for it, from the sandbox's own namespaces on", async () => {
    const ns = await c.namespace();
    // A worker of another test file may already have run a job; either way it was enqueued.
    const [row] = await c.t.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker.jobs
      WHERE key = ANY(${[`${c.sandbox}:serviceaccount:kube-system`, `${c.sandbox}:serviceaccount:${ns}`]})`;
    const done = (await c.get(rootCa("kube-system"))) !== null;
    expect(row?.n === 2 || done).toBe(true);
  });
});
