import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { connect } from "../../db/connection.ts";
import { ChangeFeed } from "../../db/feed.ts";
import { testApp } from "../support/app.ts";

/** What each listener serves, readiness, and which browser origins may call the API. */
const t = testApp({ allowedOrigins: ["https://class.example.com"] });

describe("the Kubernetes API is on the TLS listener only", () => {
  it("over plain http it is refused before any token is looked at; GraphQL and health stay", async () => {
    const sb = await t.newSandbox("listeners");
    const headers = { authorization: `Bearer ${sb.sandboxToken}` };
    const path = `/sandboxes/${sb.sandboxId}/api/v1/namespaces`;
    const plain = await t.app.request(path, { headers }, { listener: "http" });
    expect(plain.status).toBe(403);
    expect(await plain.json()).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
    for (const p of ["/api/v1/namespaces", "/apis", "/version", "/openapi/v2"])
      expect((await t.app.request(p, { headers }, { listener: "http" })).status).toBe(403);
    expect((await t.app.request(path, { headers }, { listener: "https" })).status).toBe(200);
    for (const p of ["/healthz", "/readyz", "/livez", "/metrics"])
      expect((await t.app.request(p, {}, { listener: "http" })).status).toBe(200);
    const gql = await t.app.request(
      "/graphql",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{me{id}}"}' },
      { listener: "http" },
    );
    expect(gql.status).toBe(200);
  });

  it("a path nobody serves is a 404 Status", async () => {
    const res = await t.app.request("/sandboxes/");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
  });
});

describe("/readyz", () => {
  it("answers 503 while the database does not answer", async () => {
    // A database nobody listens on.
    const database = connect("postgres://postgres@127.0.0.1:1/none", 1);
    try {
      const app = createApp({
        database,
        feed: new ChangeFeed(database.sql),
        auth: { signingKey: randomBytes(32), tokenTtlSeconds: 60 },
        server: { baseUrl: "https://127.0.0.1:1", caPem: "" },
        ready: () => true,
      });
      const res = await app.request("/readyz");
      expect(res.status).toBe(503);
      expect((await app.request("/healthz")).status).toBe(200);
    } finally {
      await database.close();
    }
  });

  it("answers ok with the database up", async () => {
    expect((await t.app.request("/readyz")).status).toBe(200);
  });
});

describe("browser origins", () => {
  const path = "/api/v1/namespaces";

  it("an allowlisted origin may call with a bearer token, and its preflight is answered", async () => {
    const pre = await t.app.request(path, {
      method: "OPTIONS",
      headers: { origin: "https://class.example.com", "access-control-request-method": "GET" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://class.example.com");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
    const sb = await t.newSandbox("cors");
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
      headers: { origin: "https://class.example.com" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://class.example.com");
  });

  it("any other origin gets no CORS headers, so the browser keeps the answer from its page", async () => {
    const sb = await t.newSandbox("cors-evil");
    const res = await t.kube(sb.sandboxId, sb.sandboxToken, path, {
      headers: { origin: "https://evil.example.com" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const pre = await t.app.request(path, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.com", "access-control-request-method": "GET" },
    });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });
});
