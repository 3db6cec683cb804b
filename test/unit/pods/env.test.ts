import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../kube/object.ts";
import type { ObjectKey } from "../../../kube/object-store.ts";
import type { Pod } from "../../../kube/types/core-v1.ts";
import { containerEnv } from "../../../pods/env.ts";

/** The service variables of a container's environment, as the kubelet's getServiceEnvVarMap gives them. */
const service = (namespace: string, name: string, ip: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace, creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { clusterIP: ip, ports: [{ name: "https", port: 443, protocol: "TCP" }] },
});
const objects = [
  service("default", "kubernetes", "10.96.0.1"),
  service("default", "web", "10.96.0.20"),
  service("shop", "cart", "10.96.0.30"),
];
const reads = {
  async get(key: ObjectKey) {
    return (
      objects.find((o) => o.metadata.namespace === key.namespace && o.metadata.name === key.name) ?? null
    );
  },
  async list(_resource: string, namespace: string | null) {
    return objects.filter((o) => namespace === null || o.metadata.namespace === namespace);
  },
};
const pod = (namespace: string, enableServiceLinks?: boolean): Pod => ({
  metadata: { name: "p", namespace },
  spec: { containers: [{ name: "c" }], ...(enableServiceLinks === undefined ? {} : { enableServiceLinks }) },
});
const hosts = async (p: Pod) =>
  Object.keys(await containerEnv(p, { name: "c" }, reads, Date.parse("2026-06-01T00:00:00Z")))
    .filter((k) => k.endsWith("_SERVICE_HOST"))
    .sort();

describe("a container's service variables", () => {
  it("the namespace's services and the API server's, with service links", async () => {
    expect(await hosts(pod("default"))).toEqual(["KUBERNETES_SERVICE_HOST", "WEB_SERVICE_HOST"]);
    expect(await hosts(pod("shop"))).toEqual(["CART_SERVICE_HOST", "KUBERNETES_SERVICE_HOST"]);
  });

  it("the API server's only, without: in the default namespace too", async () => {
    expect(await hosts(pod("default", false))).toEqual(["KUBERNETES_SERVICE_HOST"]);
    expect(await hosts(pod("shop", false))).toEqual(["KUBERNETES_SERVICE_HOST"]);
  });
});
