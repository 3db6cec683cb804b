import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

/**
 * No input yields a 500: the cases found by hand (issue 19), then fast-check over paths, query
 * parameters and bodies of every content type. Every refusal is a Status; a Secret's value is
 * never in an answer that is not a read of it.
 */
const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const secretValue = "hunter2-the-secret-value";
const secretBase64 = Buffer.from(secretValue).toString("base64");

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}

/** The answer, its body read (a watch's stream cancelled), checked to be no 500 and a Status when a refusal. */
async function answer(res: Response): Promise<{ status: number; text: string; body: any }> {
  // A watch's stream says it is not compressed (api/kube/watch.ts); over a socket, as from a
  // serverless runtime, any answer may come chunked.
  const watch = res.status === 200 && res.headers.get("content-encoding") === "identity";
  if (watch) {
    await res.body?.cancel();
    return { status: 200, text: "", body: null };
  }
  const text = await res.text();
  expect(res.status, text).not.toBe(500);
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {}
  // A path no API group serves is answered as the API server's mux answers it: Go's plain
  // "404 page not found" (what kubectl shows for a missing API); every other refusal is a Status.
  const goNotFound = res.status === 404 && text === "404 page not found\n";
  if (res.status >= 400 && !goNotFound)
    expect(body, text).toMatchObject({ kind: "Status", status: "Failure", code: res.status });
  return { status: res.status, text, body };
}

const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

beforeAll(async () => {
  sb = await t.newSandbox("no500");
  for (const [path, body] of [
    [
      "/api/v1/namespaces/default/secrets",
      { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { password: secretValue } },
    ],
    [
      "/api/v1/namespaces/default/configmaps",
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } },
    ],
  ] as const) {
    const res = await kube(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
  }
});

const nulToken = Buffer.from(JSON.stringify({ ns: "a\u0000", name: "b" })).toString("base64url");

const cases: { name: string; path: string; init?: RequestInit; status: number; message?: string | RegExp }[] =
  [
    {
      name: "a field selector on constructor",
      path: "/api/v1/pods?fieldSelector=constructor%3Dx",
      status: 400,
      message: "field label not supported: constructor",
    },
    { name: "a field selector on __proto__", path: "/api/v1/pods?fieldSelector=__proto__%3Dx", status: 400 },
    { name: "a field selector on toString", path: "/api/v1/pods?fieldSelector=toString%3Dx", status: 400 },
    {
      name: "a watch with a field selector on constructor",
      path: "/api/v1/pods?watch=1&fieldSelector=constructor%3Dx",
      status: 400,
    },
    { name: "NUL in a label selector value", path: "/api/v1/pods?labelSelector=a%3Db%00", status: 400 },
    {
      name: "NUL in a field selector value",
      path: "/api/v1/pods?fieldSelector=metadata.name%3Da%00",
      status: 200,
    },
    { name: "NUL in a name", path: "/api/v1/namespaces/default/pods/a%00", status: 404 },
    // The client resolves the dot segments, and sends a path starting "//" (no relative URL: a
    // host would follow it); it is taken as a path.
    { name: "an empty first segment", path: "/../..//%2F/x", status: 404 },
    { name: "NUL in a namespace, listed", path: "/api/v1/namespaces/a%00/pods", status: 200 },
    { name: "NUL in a namespace's name", path: "/api/v1/namespaces/a%00", status: 404 },
    {
      name: "NUL in a namespace, created in",
      path: "/api/v1/namespaces/a%00/configmaps",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
      },
      status: 404,
    },
    {
      name: "NUL in a continue token",
      path: `/api/v1/pods?limit=1&continue=${nulToken}`,
      status: 400,
      message: "continue key is not valid: the continue token is not recognized",
    },
    {
      name: "limit=1e20",
      path: "/api/v1/pods?limit=1e20",
      status: 400,
      message: 'strconv.ParseInt: parsing "1e20": invalid syntax',
    },
    {
      name: "a limit past int64",
      path: "/api/v1/pods?limit=99999999999999999999",
      status: 400,
      message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range',
    },
    { name: "the largest int64 limit", path: "/api/v1/pods?limit=9223372036854775807", status: 200 },
    {
      name: "a malformed resourceVersion on a list",
      path: "/api/v1/pods?resourceVersion=abc",
      status: 400,
      message:
        'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    },
    {
      name: "a malformed resourceVersion on a watch",
      path: "/api/v1/pods?watch=1&resourceVersion=-1",
      status: 400,
    },
    {
      name: "timeoutSeconds=1e12",
      path: "/api/v1/pods?watch=1&timeoutSeconds=1e12",
      status: 400,
      message: 'strconv.ParseInt: parsing "1e12": invalid syntax',
    },
    ...(["merge-patch+json", "strategic-merge-patch+json"] as const).map((type) => ({
      name: `a ${type} nested 5000 deep`,
      path: "/api/v1/namespaces/default/configmaps/c",
      init: { method: "PATCH", headers: { "content-type": `application/${type}` }, body: deepJson(5000) },
      status: 400,
    })),
    {
      name: "a JSON patch adding a value nested 5000 deep",
      path: "/api/v1/namespaces/default/configmaps/c",
      init: {
        method: "PATCH",
        headers: { "content-type": "application/json-patch+json" },
        body: `[{"op":"add","path":"/metadata/x","value":${deepJson(5000)}}]`,
      },
      status: 400,
    },
    {
      name: "a create nested 9000 deep",
      path: "/api/v1/namespaces/default/configmaps",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${deepJson(9000)}}`,
      },
      status: 400,
    },
    {
      name: "NUL in an annotation",
      path: "/api/v1/namespaces/default/configmaps",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "n", annotations: { a: "x\u0000" } },
        }),
      },
      status: 400,
    },
    {
      // Go's JSON decoder makes it U+FFFD; so does the store.
      name: "a lone surrogate in a value, stored as U+FFFD",
      path: "/api/v1/namespaces/default/configmaps",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"sur"},"data":{"a":"\\udc00"}}',
      },
      status: 201,
    },
    {
      name: "a JSON patch of more than 10000 operations",
      path: "/api/v1/namespaces/default/configmaps/c",
      init: {
        method: "PATCH",
        headers: { "content-type": "application/json-patch+json" },
        body: JSON.stringify(
          Array.from({ length: 10001 }, () => ({ op: "test", path: "/kind", value: "ConfigMap" })),
        ),
      },
      status: 413,
      message: "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
    },
  ];

describe("inputs found to crash a request answer 4xx with a Status", () => {
  it.each(cases)("$name: $status", async (c) => {
    const before = await revision();
    const got = await answer(await kube(c.path, c.init));
    expect(got.status, got.text).toBe(c.status);
    if (c.status === 201) {
      const stored = await answer(await kube(`${c.path}/${got.body.metadata.name}`));
      expect(stored.body.data.a).toBe("\ufffd");
    }
    if (c.message !== undefined) expect(got.body.message).toMatch(c.message);
    if (got.status >= 400) expect(await revision()).toBe(before);
  });

  it("a NUL in a field selector value matches nothing with =, everything with !=", async () => {
    const eq = await answer(
      await kube("/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dc%00"),
    );
    expect(eq.body.items).toEqual([]);
    const neq = await answer(
      await kube("/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name!%3Dc%00"),
    );
    expect(neq.body.items.map((i: any) => i.metadata.name)).toContain("c");
  });
});

describe("a Secret's value is never in an error", () => {
  it("a JSON patch removing a key that is not there: the API server's 422, and no value", async () => {
    const res = await kube("/api/v1/namespaces/default/secrets/s", {
      method: "PATCH",
      headers: { "content-type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "remove", path: "/data/nonexistent" }]),
    });
    const got = await answer(res);
    expect(got.status).toBe(422);
    expect(got.body).toMatchObject({
      reason: "Invalid",
      message: "the server rejected our request due to an error in our request",
    });
    expect(got.text).not.toContain(secretValue);
    expect(got.text).not.toContain(secretBase64);
  });

  const ops = fc.constantFrom("add", "remove", "replace", "move", "copy", "test", "nope");
  const pointer = fc.oneof(
    fc.constantFrom(
      "/data/password",
      "/data/nonexistent",
      "/data",
      "/metadata/x",
      "/stringData/a",
      "/type",
      "/x/y/z",
    ),
    fc.string(),
  );
  const jsonPatch = fc.array(
    fc.record(
      { op: ops, path: pointer, from: pointer, value: fc.jsonValue({ maxDepth: 2 }) },
      { requiredKeys: ["op"] },
    ),
    { maxLength: 4 },
  );
  const mapPatch = fc.oneof(
    fc.record({ data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }),
    fc.record(
      { stringData: fc.jsonValue({ maxDepth: 2 }), type: fc.jsonValue(), immutable: fc.jsonValue() },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const patches = fc.oneof(
    jsonPatch.map((p) => ["application/json-patch+json", JSON.stringify(p)] as const),
    mapPatch.map((p) => ["application/merge-patch+json", JSON.stringify(p)] as const),
    mapPatch.map((p) => ["application/strategic-merge-patch+json", JSON.stringify(p)] as const),
    mapPatch.map((p) => ["application/apply-patch+yaml", JSON.stringify(p)] as const),
  );

  it("fuzzed patches of a Secret: no 500, and the value only in a successful answer", async () => {
    await fc.assert(
      fc.asyncProperty(patches, fc.boolean(), async ([type, body], dryRun) => {
        const res = await kube(
          `/api/v1/namespaces/default/secrets/s?fieldManager=fuzz${dryRun ? "&dryRun=All" : ""}`,
          {
            method: "PATCH",
            headers: { "content-type": type },
            body,
          },
        );
        const got = await answer(res);
        if (got.status >= 400) {
          expect(got.text).not.toContain(secretValue);
          expect(got.text).not.toContain(secretBase64);
        }
      }),
      { numRuns: 300 },
    );
  });
});

async function revision(): Promise<number> {
  const [row] = await t.database.sql<
    { revision: string }[]
  >`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`;
  return Number(row?.revision);
}

/** Every byte of the text's UTF-8 percent-encoded (encodeURIComponent throws on a lone surrogate). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** Any text at all: every code point, lone surrogates and NUL included. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\udc00",
    "\ud800x",
    "\\u0000",
    "__proto__",
    "constructor",
    "%",
    "../x",
  ),
);
const pathSegment = fc.oneof(
  fc.constantFrom(
    "api",
    "apis",
    "v1",
    "namespaces",
    "default",
    "pods",
    "configmaps",
    "secrets",
    "status",
    "scale",
    "apps",
    "..",
    ".",
    "%2F",
    "%00",
    "%FF",
    "%ZZ",
    "%",
  ),
  anyText.map(percentEncoded),
);
const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
const queryName = fc.constantFrom(
  "labelSelector",
  "fieldSelector",
  "limit",
  "continue",
  "resourceVersion",
  "resourceVersionMatch",
  "timeoutSeconds",
  "watch",
  "allowWatchBookmarks",
  "dryRun",
  "fieldManager",
  "fieldValidation",
  "force",
  "gracePeriodSeconds",
  "propagationPolicy",
  "orphanDependents",
  "includeObject",
  "sendInitialEvents",
);
const queryValue = fc.oneof(
  anyText,
  fc.constantFrom(
    "1",
    "0",
    "-1",
    "true",
    "All",
    "Strict",
    "1e3",
    "9223372036854775808",
    "metadata.name=c",
    "a in (b)",
    "!a",
    "x",
  ),
);
const query = fc
  .array(fc.tuple(queryName, queryValue), { maxLength: 4 })
  .map((pairs) => new URLSearchParams(pairs).toString());

describe("fuzzed requests never get a 500", () => {
  it("paths and methods", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pathSegment, { minLength: 1, maxLength: 7 }), method, async (segments, m) => {
        const before = await revision();
        const got = await answer(
          await kube(`/${segments.join("/")}?timeoutSeconds=1`, {
            method: m,
            ...(m === "GET" || m === "OPTIONS"
              ? {}
              : { headers: { "content-type": "application/json" }, body: "{}" }),
          }),
        );
        if (got.status >= 400) expect(await revision()).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it("query parameters on lists, watches, reads, writes and deletes", async () => {
    const targets = [
      ["GET", "/api/v1/namespaces/default/configmaps"],
      ["GET", "/api/v1/pods"],
      ["GET", "/api/v1/namespaces/default/configmaps/c"],
      ["DELETE", "/api/v1/namespaces/default/configmaps/gone"],
      ["DELETE", "/api/v1/namespaces/fuzz-empty/configmaps"],
      ["PATCH", "/api/v1/namespaces/default/configmaps/c"],
      ["POST", "/api/v1/namespaces/default/configmaps"],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), query, async ([m, path], q) => {
        const body =
          m === "PATCH"
            ? { headers: { "content-type": "application/merge-patch+json" }, body: '{"data":{"k":"v"}}' }
            : m === "POST"
              ? {
                  headers: { "content-type": "application/json" },
                  body: JSON.stringify({
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { generateName: "q-" },
                  }),
                }
              : {};
        await answer(await kube(`${path}?${q}`, { method: m, ...body }));
      }),
      { numRuns: 400 },
    );
  });

  const contentTypes = fc.constantFrom(
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "text/plain",
    "",
    "application/json; charset=utf-16",
  );
  const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), anyText);
  const bodies = fc.oneof(
    anyJson.map((v) => JSON.stringify(v)),
    fc
      .record(
        {
          apiVersion: fc.constant("v1"),
          kind: fc.constantFrom("ConfigMap", "Secret", "Pod"),
          metadata: fc.record(
            { generateName: fc.constant("f-"), annotations: anyJson, labels: anyJson },
            { requiredKeys: ["generateName"] },
          ),
          data: anyJson,
          stringData: anyJson,
          spec: anyJson,
        },
        { requiredKeys: ["apiVersion", "kind", "metadata"] },
      )
      .map((v) => JSON.stringify(v)),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc
      .uint8Array({ maxLength: 200 })
      .map((b) => Buffer.concat([Buffer.from("k8s\u0000"), b]).toString("latin1")),
  );

  it("bodies of every content type, on create, replace and delete", async () => {
    const targets = [
      ["POST", "/api/v1/namespaces/default/configmaps"],
      ["POST", "/api/v1/namespaces/default/secrets"],
      ["POST", "/api/v1/namespaces/default/pods"],
      ["PUT", "/api/v1/namespaces/default/configmaps/c"],
      ["DELETE", "/api/v1/namespaces/default/configmaps/gone"],
      ["PUT", "/apis/apps/v1/namespaces/default/deployments/d/scale"],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), contentTypes, bodies, async ([m, path], type, body) => {
        const before = await revision();
        const got = await answer(
          await kube(path, { method: m, headers: type ? { "content-type": type } : {}, body }),
        );
        if (got.status >= 400) expect(await revision()).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it("patches of every type", async () => {
    const types = fc.constantFrom(
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
      "application/apply-patch+yaml",
      "application/json",
    );
    const targets = fc.constantFrom(
      "/api/v1/namespaces/default/configmaps/c",
      "/api/v1/namespaces/default/configmaps/c/status",
      "/api/v1/namespaces/default",
      "/api/v1/nodes/node-1",
      "/apis/apps/v1/namespaces/default/deployments/absent",
    );
    await fc.assert(
      fc.asyncProperty(targets, types, bodies, async (path, type, body) => {
        const before = await revision();
        const got = await answer(
          await kube(`${path}?fieldManager=fuzz&dryRun=All`, {
            method: "PATCH",
            headers: { "content-type": type },
            body,
          }),
        );
        if (got.status >= 400) expect(await revision()).toBe(before);
      }),
      { numRuns: 400 },
    );
  });
});
