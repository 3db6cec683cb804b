import { beforeAll, describe, expect, it } from "vitest";
import { compactChanges } from "../../workers/change-log/compact.ts";
import { reconcileNamespace } from "../../workers/namespace/task.ts";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

function kube(path: string, init: RequestInit = {}) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, init);
}
function post(path: string, body: unknown, contentType = "application/json") {
  return kube(path, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

beforeAll(async () => {
  sb = await t.newSandbox("api");
});

describe("version and discovery", () => {
  it("reports Kubernetes 1.32 without credentials", async () => {
    const res = await t.request(`/sandboxes/${sb.sandboxId}/version`);
    expect(await res.json()).toMatchObject({ major: "1", minor: "32", gitVersion: "v1.32.0" });
  });

  it("lists core resources with short names and verbs", async () => {
    const api = await (await kube("/api")).json();
    expect(api.versions).toEqual(["v1"]);
    const v1 = await (await kube("/api/v1")).json();
    const namespaces = v1.resources.find((r: { name: string }) => r.name === "namespaces");
    expect(namespaces).toMatchObject({ namespaced: false, kind: "Namespace", shortNames: ["ns"] });
    expect(namespaces.verbs).toContain("watch");
    expect(v1.resources.map((r: { name: string }) => r.name)).toEqual(
      expect.arrayContaining(["nodes", "nodes/status", "serviceaccounts", "namespaces/status"]),
    );
    expect((await kube("/apis")).status).toBe(200);
    expect((await kube("/apis/nope/v1")).status).toBe(404);
    // A group version not served has no handler at all: Go's text 404, as kube-apiserver's.
    const hpa = await kube("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", {
      method: "POST",
    });
    expect([hpa.status, hpa.headers.get("content-type"), await hpa.text()]).toEqual([
      404,
      "text/plain; charset=utf-8",
      "404 page not found\n",
    ]);
    // A served group version's unknown resource is a Status.
    expect((await (await kube("/api/v1/foos")).json()).reason).toBe("NotFound");
  });

  it("serves OpenAPI v3 with fieldValidation on PATCH, so kubectl validates on the server", async () => {
    const index = await (await kube("/openapi/v3")).json();
    const url = index.paths["api/v1"].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=/);
    const doc = await (await kube(url)).json();
    const patch = doc.paths["/api/v1/namespaces/{name}"].patch;
    expect(patch["x-kubernetes-group-version-kind"]).toEqual({ group: "", version: "v1", kind: "Namespace" });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain("fieldValidation");
  });

  it("serves OpenAPI v2 as JSON or as gnostic protobuf, by Accept, with an ETag", async () => {
    const asJson = await kube("/openapi/v2");
    expect(asJson.headers.get("content-type")).toBe("application/json");
    const doc = await asJson.json();
    expect(doc.swagger).toBe("2.0");
    expect(doc.definitions["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
    // kubectl 1.27's Accept: the protobuf form first, JSON as a fallback.
    const accept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json;q=0.9";
    const asProtobuf = await kube("/openapi/v2", { headers: { accept } });
    expect(asProtobuf.headers.get("content-type")).toBe(
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
    );
    const bytes = new Uint8Array(await asProtobuf.arrayBuffer());
    expect(bytes[0]).toBe(0x0a); // field 1 (swagger), length-delimited
    const etag = asProtobuf.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect((await kube("/openapi/v2", { headers: { accept, "if-none-match": etag } })).status).toBe(304);
    expect((await kube("/openapi/v2", { headers: { accept: "text/html" } })).status).toBe(406);
    expect((await kube("/swagger-2.0.0.pb-v1", { headers: { accept } })).status).toBe(200);
  });
});

describe("authorization", () => {
  it("answers 401 Status without a token or with a bad one", async () => {
    const none = await t.request(`/sandboxes/${sb.sandboxId}/api/v1/namespaces`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    const bad = await t.kube(sb.sandboxId, "not.a.jwt", "/api/v1/namespaces");
    expect(bad.status).toBe(401);
  });

  it("refuses another sandbox's token with the same 403 whether or not the sandbox exists", async () => {
    const other = await t.newSandbox("other");
    const res = await t.kube(sb.sandboxId, other.sandboxToken, "/api/v1/namespaces");
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(JSON.stringify(body)).not.toContain("default");
    const missing = await t.kube(
      "00000000-0000-0000-0000-000000000000",
      other.sandboxToken,
      "/api/v1/namespaces",
    );
    expect(missing.status).toBe(403);
    const garbage = await t.kube("not-a-uuid", other.sandboxToken, "/api/v1/namespaces");
    expect(garbage.status).toBe(403);
  });

  it("serves the API at the root for a sandbox token, as kubectl proxy sends it", async () => {
    const root = (token?: string) =>
      t.request("/api/v1/namespaces", { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const ok = await root(sb.sandboxToken);
    expect(ok.status).toBe(200);
    expect((await ok.json()).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain(
      "kube-system",
    );
    expect((await root()).status).toBe(401);
    expect((await root(sb.userToken)).status).toBe(403);
    expect((await (await t.request("/version")).json()).minor).toBe("32");
  });

  it("accepts the owner's login token too", async () => {
    expect((await t.kube(sb.sandboxId, sb.userToken, "/api/v1/nodes")).status).toBe(200);
  });
});

describe("a new sandbox is a bootstrapped cluster", () => {
  it("has the system namespaces, Active", async () => {
    const list = await (await kube("/api/v1/namespaces")).json();
    expect(list.kind).toBe("NamespaceList");
    expect(list.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      "default",
      "kube-node-lease",
      "kube-public",
      "kube-system",
    ]);
    for (const n of list.items) expect(n.status.phase).toBe("Active");
  });

  it("lists each object as a GET serves it (resourceVersion included), and the list's revision", async () => {
    const list = await (await kube("/api/v1/serviceaccounts")).json();
    expect(list).toMatchObject({ kind: "ServiceAccountList", apiVersion: "v1" });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(list.items.length).toBeGreaterThanOrEqual(4);
    for (const item of list.items) {
      const got = await (
        await kube(`/api/v1/namespaces/${item.metadata.namespace}/serviceaccounts/${item.metadata.name}`)
      ).json();
      expect(item).toEqual(got);
      expect(Number(item.metadata.resourceVersion)).toBeLessThanOrEqual(
        Number(list.metadata.resourceVersion),
      );
    }
  });

  it("lists again as a GET serves each object after one changed (the texts kept from the first list reused)", async () => {
    const path = "/api/v1/namespaces/default/configmaps";
    for (const name of ["kept-a", "kept-b", "kept-c"])
      expect(
        (
          await kube(path, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ metadata: { name }, data: { v: "1" } }),
          })
        ).status,
      ).toBe(201);
    const first = await (await kube(`${path}?labelSelector=`)).json();
    const changed = await kube(`${path}/kept-b`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ data: { v: "2" } }),
    });
    expect(changed.status).toBe(200);
    const second = await (await kube(path)).json();
    type Item = { metadata: { name: string }; data?: Record<string, string> };
    const byName = (list: { items: Item[] }): Record<string, Item | undefined> =>
      Object.fromEntries(list.items.map((i) => [i.metadata.name, i]));
    expect(byName(second)["kept-a"]).toEqual(byName(first)["kept-a"]);
    expect(byName(second)["kept-b"]).toEqual(await (await kube(`${path}/kept-b`)).json());
    expect(byName(second)["kept-b"]?.data).toEqual({ v: "2" });
    expect(second.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(
      first.items.map((i: { metadata: { name: string } }) => i.metadata.name),
    );
  });

  it("has three Ready nodes with capacity and addresses", async () => {
    const list = await (await kube("/api/v1/nodes")).json();
    expect(list.items).toHaveLength(3);
    for (const n of list.items) {
      expect(n.status.conditions.find((c: { type: string }) => c.type === "Ready").status).toBe("True");
      expect(n.status.capacity).toMatchObject({ cpu: "2", pods: "110" });
      expect(n.status.addresses[0].type).toBe("InternalIP");
    }
  });

  it("has a default service account in each namespace", async () => {
    const list = await (await kube("/api/v1/serviceaccounts")).json();
    expect(
      list.items.map(
        (s: { metadata: { namespace: string; name: string } }) =>
          `${s.metadata.namespace}/${s.metadata.name}`,
      ),
    ).toEqual(["default/default", "kube-node-lease/default", "kube-public/default", "kube-system/default"]);
  });

  it("prints nodes as a Table with the real columns", async () => {
    const res = await kube("/api/v1/nodes", { headers: { accept: table } });
    const body = await res.json();
    expect(body.kind).toBe("Table");
    expect(body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      "Name",
      "Status",
      "Roles",
      "Age",
      "Version",
      "Internal-IP",
      "External-IP",
      "OS-Image",
      "Kernel-Version",
      "Container-Runtime",
    ]);
    expect(body.rows[0].cells.slice(0, 3)).toEqual(["node-1", "Ready", "<none>"]);
    expect(body.rows[0].cells[4]).toBe("v1.32.0");
    expect(body.rows[0].object.kind).toBe("PartialObjectMetadata");
  });
});

describe("the object store through namespaces", () => {
  it("creates with server-owned metadata and refuses a duplicate", async () => {
    const res = await post("/api/v1/namespaces", ns("team-a"));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(Object.keys(created)).toEqual(["apiVersion", "kind", "metadata", "spec", "status"]);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.status.phase).toBe("Active");
    expect(created.spec.finalizers).toEqual(["kubernetes"]);
    const revision = async () =>
      (await t.database.sql`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`)[0]?.revision;
    const before = await revision();
    const dup = await post("/api/v1/namespaces", ns("team-a"));
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({
      reason: "AlreadyExists",
      message: 'namespaces "team-a" already exists',
    });
    // A dry run checks the name too; neither changes anything.
    const dry = await post("/api/v1/namespaces?dryRun=All", ns("team-a"));
    expect(dry.status).toBe(409);
    expect(await revision()).toBe(before);
  });

  it("reads YAML bodies", async () => {
    const res = await post(
      "/api/v1/namespaces",
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-yaml\n",
      "application/yaml",
    );
    expect(res.status).toBe(201);
  });

  it("rejects bad names with 422 and the API server's message, storing nothing", async () => {
    const before = await t.database.sql`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`;
    const res = await post("/api/v1/namespaces", ns("Bad_Name"));
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.reason).toBe("Invalid");
    expect(body.message).toBe(
      `Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(body.details.causes[0]).toMatchObject({ reason: "FieldValueInvalid", field: "metadata.name" });
    expect((await post("/api/v1/namespaces", ns("a".repeat(64)))).status).toBe(422);
    expect((await post("/api/v1/namespaces", { metadata: {} })).status).toBe(422);
    const after = await t.database.sql`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`;
    expect(after[0]?.revision).toBe(before[0]?.revision);
  });

  it.each([
    ["malformed JSON", "{not json", "application/json", 400],
    ["malformed YAML", "a: [b", "application/yaml", 400],
    [
      "wrong kind",
      JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }),
      "application/json",
      400,
    ],
    [
      "wrong apiVersion",
      JSON.stringify({ apiVersion: "apps/v1", kind: "Namespace", metadata: { name: "x" } }),
      "application/json",
      400,
    ],
    [
      "a number as name",
      JSON.stringify({ kind: "Namespace", metadata: { name: 7 } }),
      "application/json",
      400,
    ],
    [
      "labels that are not strings",
      JSON.stringify({ kind: "Namespace", metadata: { name: "x", labels: { a: 1 } } }),
      "application/json",
      400,
    ],
    ["an array", "[]", "application/json", 400],
    ["an unknown media type", "x", "text/plain", 415],
    [
      "an oversized body",
      JSON.stringify({
        kind: "Namespace",
        metadata: { name: "big", annotations: { a: "x".repeat(3_200_000) } },
      }),
      "application/json",
      413,
    ],
  ])("answers %s with a Status, never a 500", async (_name, body, type, code) => {
    const res = await post("/api/v1/namespaces", body, type);
    expect(res.status).toBe(code);
    const status = await res.json();
    expect(status).toMatchObject({ kind: "Status", status: "Failure", code });
  });

  it("answers an unknown name with 404 NotFound", async () => {
    const res = await kube("/api/v1/namespaces/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      message: 'namespaces "nope" not found',
      reason: "NotFound",
      details: { name: "nope", kind: "namespaces" },
    });
    expect((await kube("/api/v1/foos")).status).toBe(404);
  });

  it("refuses a stale resourceVersion with 409 Conflict", async () => {
    const current = await (await kube("/api/v1/namespaces/team-a")).json();
    const update = { ...current, metadata: { ...current.metadata, labels: { team: "a" } } };
    const ok = await kube("/api/v1/namespaces/team-a", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(update),
    });
    expect(ok.status).toBe(200);
    const updated = await ok.json();
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(
      Number(current.metadata.resourceVersion),
    );
    expect(updated.metadata.labels).toEqual({ team: "a", "kubernetes.io/metadata.name": "team-a" });
    const stale = await kube("/api/v1/namespaces/team-a", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(update),
    });
    expect(stale.status).toBe(409);
    expect((await stale.json()).reason).toBe("Conflict");
  });

  it("keeps server-owned fields on update and does not store a no-op", async () => {
    const current = await (await kube("/api/v1/namespaces/team-a")).json();
    const tampered = {
      ...current,
      metadata: { ...current.metadata, uid: "x", creationTimestamp: "2000-01-01T00:00:00Z" },
      status: { phase: "Terminating" },
    };
    const res = await kube("/api/v1/namespaces/team-a", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(tampered),
    });
    const body = await res.json();
    expect(body.metadata.uid).toBe(current.metadata.uid);
    expect(body.metadata.creationTimestamp).toBe(current.metadata.creationTimestamp);
    expect(body.status.phase).toBe("Active");
    expect(body.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
  });

  it("applies merge patches and JSON patches", async () => {
    const merge = await kube("/api/v1/namespaces/team-a", {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ metadata: { labels: { team: null, tier: "gold" } } }),
    });
    expect((await merge.json()).metadata.labels).toEqual({
      tier: "gold",
      "kubernetes.io/metadata.name": "team-a",
    });
    const jsonPatch = await kube("/api/v1/namespaces/team-a", {
      method: "PATCH",
      headers: { "content-type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "add", path: "/metadata/annotations", value: { note: "hi" } }]),
    });
    expect((await jsonPatch.json()).metadata.annotations).toEqual({ note: "hi" });
    const failing = await kube("/api/v1/namespaces/team-a", {
      method: "PATCH",
      headers: { "content-type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "test", path: "/metadata/name", value: "other" }]),
    });
    expect(failing.status).toBe(422);
  });

  it("lists with label and field selectors", async () => {
    const byLabel = await (await kube("/api/v1/namespaces?labelSelector=tier%3Dgold")).json();
    expect(byLabel.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(["team-a"]);
    const notIn = await (await kube("/api/v1/namespaces?labelSelector=tier%20notin%20(gold)")).json();
    expect(notIn.items.map((n: { metadata: { name: string } }) => n.metadata.name)).not.toContain("team-a");
    const byName = await (await kube("/api/v1/namespaces?fieldSelector=metadata.name%3Ddefault")).json();
    expect(byName.items).toHaveLength(1);
    const bad = await kube("/api/v1/namespaces?fieldSelector=spec.nope%3Dx");
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe("field label not supported: spec.nope");
  });

  it("refuses to delete the system namespaces", async () => {
    const res = await kube("/api/v1/namespaces/default", { method: "DELETE" });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe(
      'namespaces "default" is forbidden: this namespace may not be deleted',
    );
  });

  it("deletes a namespace: Terminating, then the controller empties and removes it", async () => {
    await post("/api/v1/namespaces", ns("doomed"));
    const sa = await post("/api/v1/namespaces/doomed/serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "robot" },
    });
    expect(sa.status).toBe(201);
    const del = await kube("/api/v1/namespaces/doomed", {
      method: "DELETE",
      body: JSON.stringify({ propagationPolicy: "Background" }),
    });
    expect(del.status).toBe(200);
    const terminating = await del.json();
    expect(terminating.status.phase).toBe("Terminating");
    expect(terminating.metadata.deletionTimestamp).toBeTruthy();
    const refused = await post("/api/v1/namespaces/doomed/serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "late" },
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe(
      "unable to create new content in namespace doomed because it is being terminated",
    );
    const [job] = await t.database
      .sql`SELECT task_identifier, key FROM graphile_worker.jobs WHERE key = ${`${sb.sandboxId}:namespace:doomed`}`;
    expect(job?.task_identifier).toBe("namespace");
    await reconcileNamespace(t.database, { sandbox: sb.sandboxId, name: "doomed" });
    expect((await kube("/api/v1/namespaces/doomed")).status).toBe(404);
    expect((await kube("/api/v1/namespaces/doomed/serviceaccounts/robot")).status).toBe(404);
    // Idempotent: a second run finds nothing to do.
    await reconcileNamespace(t.database, { sandbox: sb.sandboxId, name: "doomed" });
  });

  it("refuses to create in a namespace that does not exist", async () => {
    const res = await post("/api/v1/namespaces/ghost/serviceaccounts", { metadata: { name: "x" } });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('namespaces "ghost" not found');
  });

  it("appends every write to the change log, one revision each", async () => {
    const rows = await t.database.sql<{ revision: string }[]>`
      SELECT revision FROM changes WHERE sandbox_id = ${sb.sandboxId} ORDER BY revision`;
    const [s] = await t.database.sql<
      { revision: string }[]
    >`SELECT revision FROM sandboxes WHERE id = ${sb.sandboxId}`;
    expect(rows.map((r) => Number(r.revision))).toEqual(
      Array.from({ length: Number(s?.revision) }, (_, i) => i + 1),
    );
  });
});

describe("watch", () => {
  it("streams changes after a resourceVersion, filtered, as JSON lines", async () => {
    const list = await (await kube("/api/v1/namespaces")).json();
    const rv = list.metadata.resourceVersion;
    const res = await kube(
      `/api/v1/namespaces?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dwatched`,
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await post("/api/v1/namespaces", ns("unwatched"));
    await post("/api/v1/namespaces", ns("watched"));
    const { value } = await reader.read();
    const event = JSON.parse(new TextDecoder().decode(value).split("\n")[0]!);
    expect(event.type).toBe("ADDED");
    expect(event.object).toMatchObject({
      kind: "Namespace",
      apiVersion: "v1",
      metadata: { name: "watched" },
    });
    expect(Number(event.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    await reader.cancel();
  });

  it("sends the events of one read as one chunk: the current objects at once, a list of changes at once", async () => {
    const res = await kube("/api/v1/nodes?watch=1");
    const reader = res.body!.getReader();
    // The three nodes in the first chunk, each its own line.
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(
      first
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).object.metadata.name),
    ).toEqual(["node-1", "node-2", "node-3"]);
    await reader.cancel();
    const list = await (await kube("/api/v1/namespaces")).json();
    const rv = list.metadata.resourceVersion;
    await post("/api/v1/namespaces", ns("chunked-a"));
    await post("/api/v1/namespaces", ns("chunked-b"));
    // Both changes were in the log before the watch read it: one read, one chunk.
    const later = await kube(`/api/v1/namespaces?watch=1&resourceVersion=${rv}`);
    const changes = later.body!.getReader();
    const text = new TextDecoder().decode((await changes.read()).value);
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).object.metadata.name),
    ).toEqual(["chunked-a", "chunked-b"]);
    await changes.cancel();
  });

  it("serves the deprecated /watch/ paths: a collection's, and one object's by name", async () => {
    const list = await (await kube("/api/v1/namespaces")).json();
    const rv = list.metadata.resourceVersion;
    const res = await kube(`/api/v1/watch/namespaces/legacy-watched?resourceVersion=${rv}`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await post("/api/v1/namespaces", ns("legacy-other"));
    await post("/api/v1/namespaces", ns("legacy-watched"));
    const { value } = await reader.read();
    const event = JSON.parse(new TextDecoder().decode(value).split("\n")[0]!);
    expect([event.type, event.object.metadata.name]).toEqual(["ADDED", "legacy-watched"]);
    await reader.cancel();
    expect((await kube("/api/v1/watch/namespaces/x/status")).status).toBe(404);
    expect((await kube("/api/v1/watch/namespaces", { method: "POST" })).status).toBe(404);
  });

  it("starts with the current objects when no resourceVersion is given, as Table rows when asked", async () => {
    const res = await kube("/api/v1/nodes?watch=1", { headers: { accept: table } });
    const reader = res.body!.getReader();
    let text = "";
    while (text.split("\n").length < 4) text += new TextDecoder().decode((await reader.read()).value);
    const events = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(["ADDED", "ADDED", "ADDED"]);
    expect(events[0].object.kind).toBe("Table");
    expect(events[0].object.rows[0].cells[0]).toBe("node-1");
    await reader.cancel();
  });
});

describe("lists in pages, and deleting a collection", () => {
  it("pages with limit and continue, in name order, and refuses a bad token", async () => {
    for (const n of ["p1", "p2", "p3", "p4", "p5"])
      await post("/api/v1/namespaces/default/serviceaccounts", {
        metadata: { name: n, labels: { batch: "pages" } },
      });
    const names: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const res = await kube(
        `/api/v1/namespaces/default/serviceaccounts?labelSelector=batch%3Dpages&limit=2${token ? `&continue=${token}` : ""}`,
      );
      const body = await res.json();
      names.push(...body.items.map((s: { metadata: { name: string } }) => s.metadata.name));
      token = body.metadata.continue ?? "";
      pages++;
    } while (token);
    expect(names).toEqual(["p1", "p2", "p3", "p4", "p5"]);
    expect(pages).toBe(3);
    const bad = await kube("/api/v1/namespaces/default/serviceaccounts?limit=2&continue=garbage!");
    expect(bad.status).toBe(400);
  });

  it("deletes the matching objects of a collection in one request", async () => {
    const res = await kube("/api/v1/namespaces/default/serviceaccounts?labelSelector=batch%3Dpages", {
      method: "DELETE",
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.kind).toBe("ServiceAccountList");
    expect(body.items).toHaveLength(5);
    const left = await (await kube("/api/v1/namespaces/default/serviceaccounts")).json();
    expect(left.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(["default"]);
  });
});

describe("change log compaction", () => {
  it("answers a watch from a compacted revision with an ERROR event: 410 Expired", async () => {
    const list = await (await kube("/api/v1/namespaces")).json();
    const old = Number(list.metadata.resourceVersion);
    await post("/api/v1/namespaces", ns("after-compaction"));
    // Age the log, then compact it as the crontab job does.
    await t.database
      .sql`UPDATE changes SET created_at = now() - interval '1 hour' WHERE sandbox_id = ${sb.sandboxId}`;
    const deleted = await compactChanges(t.database, 900);
    expect(deleted).toBeGreaterThan(0);
    const res = await kube(`/api/v1/namespaces?watch=1&resourceVersion=${old}`);
    const text = await res.text();
    const event = JSON.parse(text.trim().split("\n")[0]!);
    expect(event.type).toBe("ERROR");
    expect(event.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    expect(event.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    // A fresh list and watch from its revision work again.
    const fresh = await (await kube("/api/v1/namespaces")).json();
    const watch = await kube(`/api/v1/namespaces?watch=1&resourceVersion=${fresh.metadata.resourceVersion}`);
    const reader = watch.body!.getReader();
    await post("/api/v1/namespaces", ns("after-relist"));
    const { value } = await reader.read();
    expect(JSON.parse(new TextDecoder().decode(value).split("\n")[0]!).object.metadata.name).toBe(
      "after-relist",
    );
    await reader.cancel();
  });
});
