import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { attachGraphQLWebSocket } from "../../server/graphql-ws.ts";
import { testApp, testCaPem } from "../support/app.ts";

const t = testApp();
let server: Server;
let detach: () => Promise<void>;
let url = "";

beforeAll(async () => {
  server = createServer(getRequestListener(t.app.fetch));
  detach = attachGraphQLWebSocket(server, {
    database: t.database,
    feed: t.feed,
    auth: t.auth,
    server: { baseUrl: "https://127.0.0.1:1", caPem: testCaPem },
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  url = `ws://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/graphql`;
});
afterAll(async () => {
  await detach();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

/** Subscribes over graphql-ws; collects what arrives and whether it completed or failed. */
function subscribe(token: string, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const got: any[] = [];
  let end: { error?: unknown } | null = null;
  const stop = client.subscribe(
    { query, variables },
    {
      next: (v) => got.push(v),
      error: (error) => {
        end = { error };
      },
      complete: () => {
        end = {};
      },
    },
  );
  return {
    got,
    ended: () => end,
    async until(check: () => boolean, ms = 5_000) {
      const deadline = Date.now() + ms;
      while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return check();
    },
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}

describe("GraphQL subscriptions over WebSocket (graphql-ws)", () => {
  it("delivers a sandbox's changes and completes when the token is revoked", async () => {
    const sb = await t.newSandbox("ws");
    const sub = subscribe(
      sb.userToken,
      `subscription($s:ID!){sandboxChanges(sandboxId:$s){type object{kind name}}}`,
      {
        s: sb.sandboxId,
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    await t.gql(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
      { s: sb.sandboxId, m: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: over-ws}\n" },
      sb.userToken,
    );
    expect(await sub.until(() => sub.got.length > 0)).toBe(true);
    expect(sub.got[0].data.sandboxChanges).toEqual({
      type: "ADDED",
      object: { kind: "ConfigMap", name: "over-ws" },
    });
    await t.gql(`mutation{logOut}`, {}, sb.userToken);
    expect(await sub.until(() => sub.ended() !== null, 3_000)).toBe(true);
    await sub.close();
  });

  it("applies the same limits and auth as HTTP", async () => {
    const sb = await t.newSandbox("ws2");
    const anonymous = subscribe("", `subscription($s:ID!){sandboxChanges(sandboxId:$s){type}}`, {
      s: sb.sandboxId,
    });
    expect(await anonymous.until(() => anonymous.got.length > 0 || anonymous.ended() !== null)).toBe(true);
    expect(JSON.stringify(anonymous.got[0] ?? anonymous.ended())).toContain("UNAUTHENTICATED");
    await anonymous.close();
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: me { id }`).join(" ");
    const bomb = subscribe(sb.userToken, `query { ${aliases} }`, {});
    expect(await bomb.until(() => bomb.ended() !== null)).toBe(true);
    expect(JSON.stringify(bomb.ended())).toMatch(/aliases/i);
    await bomb.close();
  });
});
