import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";
import { bodyLimit, expectTooLarge } from "../support/body-limit.ts";

// Bodies at the limit, many of them: the per-token byte budget is not what this file is about.
const t = testApp({ limits: { bodyBytesPerTokenPerSecond: 1_000_000_000 } });
let sb: Awaited<ReturnType<typeof t.newSandbox>>;

beforeAll(async () => {
  sb = await t.newSandbox("bodies");
  const rc = {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "web" },
    spec: {
      replicas: 0,
      selector: { app: "web" },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx" }] },
      },
    },
  };
  const made = await t.kube(
    sb.sandboxId,
    sb.sandboxToken,
    "/api/v1/namespaces/default/replicationcontrollers",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(rc),
    },
  );
  expect(made.status).toBe(201);
});

/**
 * A chunked body of `total` bytes (no Content-Length), made as it is read: `pulled()` says how
 * much the server took before it answered.
 */
function endlessBody(total: number) {
  const chunk = new TextEncoder().encode(`{"metadata":{"annotations":{"a":"${"x".repeat(64 * 1024)}`);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => sent };
}

const cases: { name: string; method: string; path: string; contentType: string }[] = [
  {
    name: "create",
    method: "POST",
    path: "/api/v1/namespaces/default/configmaps",
    contentType: "application/json",
  },
  {
    name: "replace",
    method: "PUT",
    path: "/api/v1/namespaces/default/configmaps/x",
    contentType: "application/json",
  },
  {
    name: "merge patch",
    method: "PATCH",
    path: "/api/v1/namespaces/default/replicationcontrollers/web",
    contentType: "application/merge-patch+json",
  },
  {
    name: "apply patch",
    method: "PATCH",
    path: "/api/v1/namespaces/default/configmaps/x?fieldManager=t",
    contentType: "application/apply-patch+yaml",
  },
  {
    name: "delete options",
    method: "DELETE",
    path: "/api/v1/namespaces/default/replicationcontrollers/web",
    contentType: "application/json",
  },
  {
    name: "delete collection",
    method: "DELETE",
    path: "/api/v1/namespaces/default/configmaps",
    contentType: "application/json",
  },
  {
    name: "scale patch",
    method: "PATCH",
    path: "/api/v1/namespaces/default/replicationcontrollers/web/scale",
    contentType: "application/merge-patch+json",
  },
  {
    name: "scale replace",
    method: "PUT",
    path: "/api/v1/namespaces/default/replicationcontrollers/web/scale",
    contentType: "application/json",
  },
];

describe("request bodies stop at the API server's limit on every method", () => {
  it.each(cases)("$name: a 50 MB chunked body is cut off at 3 MiB with 413", async (c) => {
    const { body, pulled } = endlessBody(50 * 1024 * 1024);
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, c.path, {
      method: c.method,
      headers: { "content-type": c.contentType },
      body,
      duplex: "half",
    } as RequestInit);
    await expectTooLarge(res);
    // Read as it came, and dropped at the limit (a chunk or two of read-ahead past it at most).
    expect(pulled()).toBeLessThan(bodyLimit + 4 * 64 * 1024);
  });

  it.each(cases)("$name: a declared length over the limit is refused unread", async (c) => {
    const { body, pulled } = endlessBody(bodyLimit + 1);
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, c.path, {
      method: c.method,
      headers: { "content-type": c.contentType, "content-length": String(50 * 1024 * 1024) },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled()).toBeLessThan(4 * 64 * 1024);
  });

  it("a body just under the limit is read whole", async () => {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "big" },
      data: { a: "x".repeat(1000) },
    };
    // Padded with white space to just under the limit, sent in chunks without a length.
    const text = JSON.stringify(cm) + " ".repeat(bodyLimit - 2000);
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/configmaps", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([text]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(201);
  });
});
