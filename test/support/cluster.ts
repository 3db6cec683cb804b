import { beforeAll, expect } from "vitest";
import type { KubeObject } from "../../kube/object.ts";
import { testApp } from "./app.ts";

/**
 * One sandbox on the in-process app, with the Kubernetes calls controller tests make: JSON in
 * and out, a fresh namespace per test case, lists by label selector.
 */
export function testCluster(name: string) {
  const t = testApp();
  let sb: Awaited<ReturnType<typeof t.newSandbox>>;
  beforeAll(async () => {
    sb = await t.newSandbox(name);
  });
  let namespaces = 0;
  const kube = (path: string, init: RequestInit = {}) => t.kube(sb.sandboxId, sb.sandboxToken, path, init);
  const send = (method: string, path: string, body?: unknown, contentType = "application/json") =>
    kube(path, {
      method,
      headers: { "content-type": contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async (res: Response | Promise<Response>, status?: number) => {
    const r = await res;
    const body = await r.json();
    if (status !== undefined) expect(r.status, JSON.stringify(body)).toBe(status);
    return body as any;
  };
  return {
    t,
    get sandbox() {
      return sb.sandboxId;
    },
    kube,
    send,
    json,
    /** GET of a path: the parsed body, or null on 404. */
    async get(path: string): Promise<any> {
      const res = await kube(path);
      if (res.status === 404) return null;
      return json(res, 200);
    },
    /** POST of an object; expects 201. */
    create: (path: string, body: unknown): Promise<any> => json(send("POST", path, body), 201),
    /** A merge patch; expects 200. */
    patch: (path: string, body: unknown): Promise<any> =>
      json(send("PATCH", path, body, "application/merge-patch+json"), 200),
    /** A new namespace of its own for one test case. */
    async namespace(prefix = "ns"): Promise<string> {
      const ns = `${prefix}-${++namespaces}`;
      await json(send("POST", "/api/v1/namespaces", { metadata: { name: ns } }), 201);
      return ns;
    },
    /** The pods of a namespace (matching a label selector), sorted by name. */
    async pods(ns: string, selector = ""): Promise<KubeObject[]> {
      const q = selector ? `?labelSelector=${encodeURIComponent(selector)}` : "";
      const list = await json(kube(`/api/v1/namespaces/${ns}/pods${q}`), 200);
      return list.items;
    },
    /** The events of a namespace about one object, oldest first. */
    async events(ns: string, name: string): Promise<any[]> {
      const list = await json(kube(`/api/v1/namespaces/${ns}/events`), 200);
      return list.items.filter((e: any) => e.involvedObject.name === name);
    },
    /** Binds a pod to a node, as the scheduler would. */
    async bind(ns: string, pod: string, node = "node-1"): Promise<void> {
      await json(
        send("POST", `/api/v1/namespaces/${ns}/pods/${pod}/binding`, {
          apiVersion: "v1",
          kind: "Binding",
          metadata: { name: pod },
          target: { kind: "Node", name: node },
        }),
        201,
      );
    },
  };
}
