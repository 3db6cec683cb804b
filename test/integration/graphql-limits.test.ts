import { randomBytes } from "node:crypto";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { AccountError } from "../../accounts/errors.ts";
import { createApp } from "../../api/app.ts";
import { maskError } from "../../api/graphql/errors.ts";
import { defaultGraphQLLimits } from "../../api/graphql/limits.ts";
import { invalid } from "../../kube/errors.ts";
import { testApp, testCaPem } from "../support/app.ts";

const t = testApp();

async function post(body: string, headers: Record<string, string> = {}, app = t.app) {
  return app.request("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("callers whose documents keep being refused", () => {
  it("get 429 with Retry-After past their budget, unread; other callers and valid queries do not count", async () => {
    const app = createApp({
      database: t.database,
      feed: t.feed,
      auth: t.auth,
      server: { baseUrl: "https://127.0.0.1:1", caPem: testCaPem },
      graphqlLimits: { ...defaultGraphQLLimits, maxRefusalsPerMinute: 5 },
      ready: () => true,
    });
    const bomb = JSON.stringify({
      query: `{${Array.from({ length: 20 }, (_, i) => `a${i}: sandboxes { id }`).join(" ")}}`,
    });
    const valid = JSON.stringify({ query: "{ __typename }" });
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const { userToken: attacker } = await t.newSandbox("bomber");
    const { userToken: neighbour } = await t.newSandbox("neighbour");
    // Valid queries are never charged.
    for (let i = 0; i < 10; i++) expect((await post(valid, as(attacker), app)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const refused = await (await post(bomb, as(attacker), app)).json();
      expect(refused.errors[0].message).toMatch(/aliases/i);
    }
    for (const body of [bomb, valid]) {
      const res = await post(body, as(attacker), app);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await res.json()).errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    }
    // Another caller is not held back by it.
    expect((await post(valid, as(neighbour), app)).status).toBe(200);
  });
});

describe("GraphQL limits", () => {
  it("refuses a 200-alias query before running it", async () => {
    const { userToken } = await t.newSandbox("alias");
    const fields = Array.from({ length: 200 }, (_, i) => `a${i}: sandboxes { kubeconfig }`).join(" ");
    const res = await post(JSON.stringify({ query: `{ ${fields} }` }), {
      authorization: `Bearer ${userToken}`,
    });
    const body = await res.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toMatch(/aliases/i);
    expect(JSON.stringify(body)).not.toContain("kubeconfig:");
  });

  it("refuses a query nested too deep, and one with too many tokens, as GraphQL errors", async () => {
    const deep = `{ ${"me { ".repeat(20)}email${" }".repeat(20)} }`;
    const r1 = await (await post(JSON.stringify({ query: deep }))).json();
    expect(r1.errors[0].message).toMatch(/depth/i);
    const nested = `{${"a{".repeat(2000)}b${"}".repeat(2000)}}`;
    const res = await post(JSON.stringify({ query: nested }));
    expect(res.status).toBeLessThan(500);
    const r2 = await res.json();
    expect(r2.errors[0].message).toMatch(/token/i);
  });

  it("answers a 50k-deep selection without a 500 (the body cap stops it)", async () => {
    const nested = `{${"a{".repeat(50_000)}b${"}".repeat(50_000)}}`;
    const res = await post(JSON.stringify({ query: nested }));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    const get = await t.app.request(`/graphql?query=${encodeURIComponent(nested)}`);
    expect(get.status).toBe(413);
  });

  it("stops a body past 64 KiB, declared or streamed", async () => {
    const query = `{ me { email } } #${"x".repeat(70 * 1024)}`;
    expect((await post(JSON.stringify({ query }))).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 100; i++) c.enqueue(new TextEncoder().encode(" ".repeat(1024)));
        c.close();
      },
    });
    const res = await t.app.request("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      // @ts-expect-error: Node's fetch needs duplex for a streamed body
      duplex: "half",
    });
    expect(res.status).toBe(413);
  });

  it("runs no mutation from a form post", async () => {
    const email = `form-${randomBytes(4).toString("hex")}@example.com`;
    const query = `mutation{signUp(email:"${email}",password:"correct-horse-9"){token}}`;
    const forms: [string, string][] = [
      ["application/x-www-form-urlencoded", `query=${encodeURIComponent(query)}`],
      ["text/plain", JSON.stringify({ query })],
      [
        "multipart/form-data; boundary=x",
        `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${query}\r\n--x--`,
      ],
    ];
    for (const [type, body] of forms) {
      const res = await post(body, { "content-type": type });
      expect(res.status, type).toBe(415);
    }
    const mutationByGet = await t.app.request(`/graphql?query=${encodeURIComponent(query)}`);
    expect(mutationByGet.status).toBe(405);
    const [row] = await t.database.sql`SELECT count(*)::int AS n FROM users WHERE email = ${email}`;
    expect(row?.n).toBe(0);
  });

  it("answers CORS for configured origins only", async () => {
    const app = createApp({
      database: t.database,
      feed: t.feed,
      auth: { signingKey: randomBytes(32), tokenTtlSeconds: 60 },
      server: { baseUrl: "https://127.0.0.1:1", caPem: testCaPem },
      allowedOrigins: ["https://class.example"],
      ready: () => true,
    });
    const ask = (origin: string) =>
      app.request("/graphql", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const allowed = await ask("https://class.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://class.example");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await ask("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const plain = await post(JSON.stringify({ query: "{me{email}}" }), { origin: "https://evil.example" });
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    const unconfigured = await post(JSON.stringify({ query: "{me{email}}" }), {
      origin: "https://class.example",
    });
    expect(unconfigured.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("logIn input", () => {
  const logIn = `mutation($e:String!,$p:String!){logIn(email:$e,password:$p){token}}`;

  it("refuses a NUL in the email as bad input, not a 500", async () => {
    const res = await post(
      JSON.stringify({ query: logIn, variables: { e: "a\u0000@example.com", p: "correct-horse-9" } }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("caps the password as sign-up does", async () => {
    const r = await t.gql(logIn, { e: "someone@example.com", p: "p".repeat(5000) });
    expect(r.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0].message).toMatch(/at most 1024/);
  });
});

describe("a NUL in any argument", () => {
  it("is refused as bad input before a resolver runs, never a 500", async () => {
    const { userToken, sandboxId } = await t.newSandbox("nul");
    const cases: [string, Record<string, unknown>][] = [
      [
        `query($s:ID!,$l:String){sandbox(id:$s){pods(labelSelector:$l){nodes{name}}}}`,
        { s: sandboxId, l: "a=\u0000" },
      ],
      [`mutation($c:String!){joinClassroom(code:$c){id}}`, { c: "AB\u0000" }],
      [
        `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
        { s: sandboxId, m: 'kind: ConfigMap\nmetadata: {name: "a\u0000"}' },
      ],
      [`mutation{deleteObject(sandboxId:"${sandboxId}",object:{kind:"pods",name:"x\u0000"}){name}}`, {}],
    ];
    for (const [query, variables] of cases) {
      const body = JSON.stringify({ query, variables }).replaceAll("\\\\u0000", "\\u0000");
      const res = await post(body, { authorization: `Bearer ${userToken}` });
      expect(res.status, query).toBe(200);
      const r = await res.json();
      expect(r.errors?.[0].extensions.code, query).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0].message).toMatch(/NUL/);
    }
  });
});

describe("GraphQL errors", () => {
  it("types the domain's failures and masks the rest", () => {
    const account = maskError(
      new GraphQLError("x", { originalError: new AccountError("CONFLICT", "taken") }),
      "m",
    );
    expect((account as GraphQLError).extensions.code).toBe("CONFLICT");
    const status = invalid("", "Pod", "p", [
      { type: "FieldValueRequired", field: "spec.containers[0].image", body: "Required value" },
    ]);
    const typed = maskError(new GraphQLError(status.message, { originalError: status }), "m") as GraphQLError;
    expect(typed.extensions.code).toBe("INVALID");
    expect(typed.extensions.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.containers[0].image" },
    ]);
    const hidden = maskError(
      new GraphQLError("secret detail", { originalError: new Error("secret detail") }),
      "Unexpected error.",
    ) as GraphQLError;
    expect(hidden.message).toBe("Unexpected error.");
    expect(hidden.extensions.code).toBe("INTERNAL_SERVER_ERROR");
  });
});
