import { randomBytes } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kekFromBase64 } from "../../db/crypto/kek.ts";
import { sealedField } from "../../db/crypto/secret-sealer.ts";
import { reconcileNamespace } from "../../workers/namespace/task.ts";
import { testApp } from "../support/app.ts";
import { suiteDatabaseUrl } from "../support/db.ts";
import { allTables, pgDump, rowsContaining } from "../support/plaintext-scan.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const base = "/api/v1/namespaces/default/secrets";

/** Values no other test writes, so any hit is one of ours. */
const marker = randomBytes(8).toString("hex");
const plain = {
  username: `admin-${marker}`,
  password: `pw-1f2d1e2e67df-${marker}`,
  fromStringData: `string-data-${marker}`,
  applied: `applied-${marker}`,
  extra: `patched-${marker}`,
};
const b64 = (s: string) => Buffer.from(s).toString("base64");
const needles = Object.values(plain).flatMap((v) => [v, b64(v)]);

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
function send(method: string, path: string, body: unknown, contentType = "application/json") {
  return kube(path, { method, headers: { "content-type": contentType }, body: JSON.stringify(body) });
}
const secret = (name: string, fields: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, ...metadata },
  ...fields,
});

/** Reads watch events until `count` have come. */
async function events(reader: ReadableStreamDefaultReader<Uint8Array>, count: number) {
  let text = "";
  while (text.trim().split("\n").filter(Boolean).length < count)
    text += new TextDecoder().decode((await reader.read()).value);
  return text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  sb = await t.newSandbox("secrets");
});

describe("Secrets through the API, encrypted at rest", () => {
  it("merges stringData into data and serves the plaintext on create, GET, LIST, WATCH and DELETE", async () => {
    const listed = await (await kube(base)).json();
    const watch = await kube(`${base}?watch=1&resourceVersion=${listed.metadata.resourceVersion}`);
    const reader = watch.body!.getReader();

    const created = await send(
      "POST",
      base,
      secret("s1", { data: { username: b64(plain.username) }, stringData: { password: plain.password } }),
    );
    expect(created.status).toBe(201);
    const s1 = await created.json();
    expect(Object.entries(s1.data)).toEqual([
      ["password", b64(plain.password)],
      ["username", b64(plain.username)],
    ]);
    expect(s1.type).toBe("Opaque");
    expect(s1).not.toHaveProperty("stringData");
    expect(s1).not.toHaveProperty(sealedField);

    // kubectl apply keeps the whole manifest, data included, in an annotation: it is sealed too.
    const lastApplied = JSON.stringify(secret("s2", { stringData: { token: plain.applied } }));
    const annotations = { "kubectl.kubernetes.io/last-applied-configuration": lastApplied, team: "a" };
    expect(
      (await send("POST", base, secret("s2", { stringData: { token: plain.applied } }, { annotations })))
        .status,
    ).toBe(201);
    const patched = await send(
      "PATCH",
      `${base}/s1`,
      { stringData: { extra: plain.extra } },
      "application/merge-patch+json",
    );
    expect(patched.status).toBe(200);
    expect(Object.keys((await patched.json()).data)).toEqual(["extra", "password", "username"]);

    const got = await (await kube(`${base}/s2`)).json();
    expect(got.data).toEqual({ token: b64(plain.applied) });
    expect(got.metadata.annotations).toEqual(annotations);
    const list = await (await kube(base)).json();
    expect(list.items.map((i: any) => [i.metadata.name, Object.keys(i.data).length])).toEqual([
      ["s1", 3],
      ["s2", 1],
    ]);
    const rows = (await (await kube(base, { headers: { accept: table } })).json()).rows;
    expect(rows.map((r: any) => r.cells.slice(0, 3))).toEqual([
      ["s1", "Opaque", 3],
      ["s2", "Opaque", 1],
    ]);
    const deleted = await (await kube(`${base}/s2`, { method: "DELETE" })).json();
    expect(deleted.data).toEqual({ token: b64(plain.applied) });

    const seen = await events(reader, 4);
    expect(
      seen.map((e) => [e.type, e.object.metadata.name, Object.keys(e.object.data ?? {}).length]),
    ).toEqual([
      ["ADDED", "s1", 2],
      ["ADDED", "s2", 1],
      ["MODIFIED", "s1", 3],
      ["DELETED", "s2", 1],
    ]);
    expect(seen[3].object.data.token).toBe(b64(plain.applied));
    await reader.cancel();
  });

  it("leaves no plaintext and no base64 of it in any table: objects, change log, queue, keys", async () => {
    const tables = await allTables(t.database.sql);
    expect(tables).toEqual(
      expect.arrayContaining([
        "public.objects",
        "public.changes",
        "public.sandbox_keys",
        "public.key_encryption_keys",
      ]),
    );
    expect(tables.some((name) => name.startsWith("graphile_worker."))).toBe(true);
    // The scan itself finds what it looks for (one needle is known to be stored: the name).
    expect(await rowsContaining(t.database.sql, ["s1"])).not.toEqual([]);
    expect(await rowsContaining(t.database.sql, needles)).toEqual([]);
  });

  it("stores data as one compact JWE under the sandbox's data key, wrapped by the KEK", async () => {
    const [row] = await t.database.sql<{ body: any }[]>`
      SELECT body FROM objects WHERE sandbox_id = ${sb.sandboxId} AND resource = 'secrets' AND name = 's1'`;
    expect(row!.body).not.toHaveProperty("data");
    const jwe = row!.body[sealedField] as string;
    expect(jwe.split(".")).toHaveLength(5);
    const header = decodeProtectedHeader(jwe);
    expect(header).toMatchObject({ alg: "dir", enc: "A256GCM", obj: "default/s1" });
    const keys = await t.database.sql<{ kid: string; kek_kid: string; wrapped: string }[]>`
      SELECT kid, kek_kid, wrapped FROM sandbox_keys WHERE sandbox_id = ${sb.sandboxId}`;
    expect(keys.map((k) => k.kid)).toEqual([header.kid]);
    const kek = await kekFromBase64(inject("kek"), "suite");
    expect(keys[0]!.kek_kid).toBe(kek.kid);
    expect(decodeProtectedHeader(keys[0]!.wrapped)).toMatchObject({
      alg: "dir",
      enc: "A256GCM",
      kid: kek.kid,
    });
  });

  it("never serves one secret's sealed data as another's (the JWE is bound to its object)", async () => {
    expect((await send("POST", base, secret("bound-a", { stringData: { v: "a-value" } }))).status).toBe(201);
    expect((await send("POST", base, secret("bound-b", { stringData: { v: "b-value" } }))).status).toBe(201);
    // Someone with database access moves a's ciphertext onto b.
    await t.database.sql`
      UPDATE objects SET body = jsonb_set(body, ${[sealedField]}::text[],
        (SELECT body -> ${sealedField} FROM objects WHERE sandbox_id = ${sb.sandboxId} AND resource = 'secrets' AND name = 'bound-a'))
      WHERE sandbox_id = ${sb.sandboxId} AND resource = 'secrets' AND name = 'bound-b'`;
    const res = await kube(`${base}/bound-b`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(b64("a-value"));
    expect((await (await kube(`${base}/bound-a`)).json()).data).toEqual({ v: b64("a-value") });
    await t.database
      .sql`DELETE FROM objects WHERE sandbox_id = ${sb.sandboxId} AND resource = 'secrets' AND name = 'bound-b'`;
  });

  it("leaves no plaintext in a pg_dump of the database", async () => {
    // The embedded Postgres is 15, as the machine's pg_dump (postgresql-client) is.
    const result = await pgDump(suiteDatabaseUrl());
    if (result.dump === null) throw new Error(`no pg_dump could dump the database: ${result.reason}`);
    expect(result.dump).toContain("sandbox_keys");
    for (const needle of needles) expect(result.dump.includes(needle), needle).toBe(false);
  });

  it("refuses data that is not base64 with the decoder's 400, and stores nothing", async () => {
    const res = await send("POST", base, secret("bad", { data: { a: "YWJj!!==" } }));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4',
    );
    expect((await kube(`${base}/bad`)).status).toBe(404);
  });

  it.each([
    [
      "a TLS secret without its key",
      secret("tls", { type: "kubernetes.io/tls", data: { "tls.crt": b64("c") } }),
      'Secret "tls" is invalid: data[tls.key]: Required value',
    ],
    [
      "a docker config that is not JSON",
      secret("dcj", {
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": "{auths" },
      }),
      `Secret "dcj" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'a' looking for beginning of object key string`,
    ],
    [
      "more than 1 MiB of data",
      secret("big", { stringData: { a: "x".repeat(1024 * 1024), b: "y" } }),
      'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes',
    ],
  ])("refuses %s with the API server's 422", async (_name, body, message) => {
    const res = await send("POST", base, body);
    expect(res.status).toBe(422);
    expect((await res.json()).message).toBe(message);
    expect((await kube(`${base}/${body.metadata.name}`)).status).toBe(404);
  });

  it("honours immutable: data and the flag are frozen, the type never changes, labels may", async () => {
    const created = await send("POST", base, secret("frozen", { immutable: true, data: { a: b64("1") } }));
    expect(created.status).toBe(201);
    const patch = (body: unknown) => send("PATCH", `${base}/frozen`, body, "application/merge-patch+json");
    const changed = await patch({ data: { a: b64("2") }, immutable: false });
    expect(changed.status).toBe(422);
    expect((await changed.json()).message).toBe(
      'Secret "frozen" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set]',
    );
    const retyped = await patch({ type: "kubernetes.io/basic-auth", data: { username: b64("u") } });
    expect((await retyped.json()).message).toContain(
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );
    expect((await patch({ metadata: { labels: { a: "b" } } })).status).toBe(200);
    expect((await (await kube(`${base}/frozen`)).json()).data).toEqual({ a: b64("1") });
  });

  it("is deleted with its namespace, the DELETED event still carrying its data", async () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } };
    expect((await send("POST", "/api/v1/namespaces", ns)).status).toBe(201);
    const doomed = "/api/v1/namespaces/doomed/secrets";
    expect((await send("POST", doomed, secret("gone", { stringData: { k: plain.password } }))).status).toBe(
      201,
    );
    const rv = (await (await kube(doomed)).json()).metadata.resourceVersion;
    const watch = await kube(`${doomed}?watch=1&resourceVersion=${rv}`);
    const reader = watch.body!.getReader();
    expect((await kube("/api/v1/namespaces/doomed", { method: "DELETE" })).status).toBe(200);
    // The namespace controller deletes what it reads straight from the table, sealed as stored.
    await reconcileNamespace(t.database, { sandbox: sb.sandboxId, name: "doomed" });
    const [deleted] = await events(reader, 1);
    expect(deleted.type).toBe("DELETED");
    expect(deleted.object.data).toEqual({ k: b64(plain.password) });
    await reader.cancel();
    expect((await kube(`${doomed}/gone`)).status).toBe(404);
  });

  it("selects by type, and a dry run stores nothing", async () => {
    const tls = secret("cert", { type: "kubernetes.io/tls", stringData: { "tls.crt": "c", "tls.key": "k" } });
    expect((await send("POST", `${base}?dryRun=All`, tls)).status).toBe(201);
    expect((await kube(`${base}/cert`)).status).toBe(404);
    expect((await send("POST", base, tls)).status).toBe(201);
    const selected = await (await kube(`${base}?fieldSelector=type%3Dkubernetes.io%2Ftls`)).json();
    expect(selected.items.map((i: any) => i.metadata.name)).toEqual(["cert"]);
  });
});
