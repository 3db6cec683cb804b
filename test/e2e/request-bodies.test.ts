import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectTooLarge } from "../support/body-limit.ts";
import { useSandbox } from "../support/service.ts";
import { tlsFetch } from "../support/tls-fetch.ts";

/*
 * Request bodies on the real TLS listener, where they are read from Node's IncomingMessage
 * (api/request-body.ts) rather than from a Request: whole when they fit, cut off at the API
 * server's limit when they do not, and metered against the token's byte budget as they arrive.
 * test/integration/request-bodies.test.ts drives the same rules through the app alone.
 */

const cluster = useSandbox("request-bodies");

async function client() {
  const { service, sandbox } = cluster;
  const token = /token: (\S+)/.exec(await readFile(sandbox.path, "utf8"))?.[1] ?? "";
  const fetch = tlsFetch(await readFile(join(service.dataDir, "tls", "ca.crt"), "utf8"));
  const base = `${service.https}/sandboxes/${sandbox.id}`;
  const kube = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
  /** Creates a ConfigMap from a streamed body. */
  const create = (body: ReadableStream<Uint8Array>) =>
    kube("/api/v1/namespaces/default/configmaps", { method: "POST", body, duplex: "half" } as RequestInit);
  return { kube, create };
}

/** `text` as a chunked body (no Content-Length) of `size`-byte chunks; `pulled()` says how much went out. */
function chunked(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(sent, sent + size));
      sent += size;
    },
  });
  return { body, pulled: () => Math.min(sent, bytes.byteLength) };
}

/** A ConfigMap whose one value makes its JSON `bytes` long, give or take a hundred. */
function configMap(name: string, bytes: number): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name },
    data: { v: "x".repeat(Math.max(0, bytes - 100)) },
  });
}

describe("request bodies on the TLS listener", () => {
  it("a body sent in many small chunks is read whole", async () => {
    const { kube, create } = await client();
    const res = await create(chunked(configMap("many-chunks", 200_000), 1000).body);
    expect(res.status).toBe(201);
    const got = await kube("/api/v1/namespaces/default/configmaps/many-chunks");
    expect(((await got.json()) as { data: { v: string } }).data.v).toHaveLength(200_000 - 100);
  });

  it("a 50 MB chunked body is cut off at 3 MiB with the API server's 413, and the listener serves on", async () => {
    const { kube, create } = await client();
    const { body, pulled } = chunked(configMap("too-big", 50 * 1024 * 1024), 64 * 1024);
    const res = await create(body);
    await expectTooLarge(res);
    // Read as it came and dropped at the limit, not taken whole: what went out past it sits in
    // the two ends' socket buffers, a few MiB on a loopback connection.
    expect(pulled()).toBeLessThan(16 * 1024 * 1024);
    expect((await kube("/api/v1/namespaces/default/configmaps/too-big")).status).toBe(404);
    expect((await kube("/api/v1/namespaces/default/configmaps")).status).toBe(200);
  });

  it("chunked bodies past the token's byte budget (1 MiB/s, 6 MiB at once) are refused with 429", async () => {
    const { create } = await client();
    const statuses: number[] = [];
    // 0.9 MiB each (a ConfigMap holds 1 MiB at most), back to back: the budget holds seven or
    // eight of them, not fifteen.
    for (let i = 0; i < 15 && !statuses.includes(429); i++) {
      const res = await create(chunked(configMap(`budget-${i}`, 0.9 * 1024 * 1024), 64 * 1024).body);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({ kind: "Status", reason: "TooManyRequests", code: 429 });
      } else await res.arrayBuffer();
    }
    expect(statuses[0]).toBe(201);
    expect(statuses).toContain(429);
  });
});
