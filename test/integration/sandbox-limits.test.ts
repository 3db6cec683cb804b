import { describe, expect, it } from "vitest";
import { defaultLimits } from "../../config.ts";
import { connect } from "../../db/connection.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { createObject } from "../../registry/create.ts";
import { reconcileReplicaSet } from "../../workers/replication/task.ts";
import { testApp } from "../support/app.ts";
import { suiteDatabaseUrl } from "../support/db.ts";

/**
 * What one sandbox, and one user, may hold: sandboxes per user, objects and bytes per sandbox
 * (refused as the API server's ResourceQuota refuses), replicas per controller.
 */
const limits = {
  sandboxesPerUser: 2,
  objectsPerSandbox: 40,
  bytesPerSandbox: 2_000_000,
  replicasPerController: 5,
};
const t = testApp({ limits });

const createSandbox = "mutation($n:String!){createSandbox(name:$n){id}}";
const configMaps = "/api/v1/namespaces/default/configmaps";

function post(sb: { sandboxId: string; sandboxToken: string }, path: string, body: unknown) {
  return t.kube(sb.sandboxId, sb.sandboxToken, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
const configMap = (name: string, size = 0) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  ...(size ? { data: { v: "x".repeat(size) } } : {}),
});

async function usage(sandboxId: string) {
  const [row] = await t.database.sql<{ object_count: number; object_bytes: string }[]>`
    SELECT object_count, object_bytes FROM sandboxes WHERE id = ${sandboxId}`;
  return { objects: row?.object_count ?? -1, bytes: Number(row?.object_bytes) };
}

describe("sandboxes per user", () => {
  it("past the limit createSandbox is refused; deleting one makes room", async () => {
    const sb = await t.newSandbox("first");
    expect((await t.gql(createSandbox, { n: "second" }, sb.userToken)).errors).toBeUndefined();
    const third = await t.gql(createSandbox, { n: "third" }, sb.userToken);
    expect(third.errors?.[0]).toMatchObject({
      message: "an account may own 2 sandboxes, and this one has 2: delete one before creating another",
      extensions: { code: "FORBIDDEN" },
    });
    await t.gql("mutation($id:ID!){deleteSandbox(id:$id)}", { id: sb.sandboxId }, sb.userToken);
    expect((await t.gql(createSandbox, { n: "third" }, sb.userToken)).errors).toBeUndefined();
  });

  it("creates at once do not get past it together", async () => {
    const sb = await t.newSandbox("racing");
    const all = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => t.gql(createSandbox, { n: `r${i}` }, sb.userToken)),
    );
    expect(all.filter((r) => !r.errors)).toHaveLength(1);
    const [row] = await t.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM sandboxes WHERE owner_id = (SELECT owner_id FROM sandboxes WHERE id = ${sb.sandboxId})`;
    expect(row?.n).toBe(2);
  });
});

describe("objects per sandbox", () => {
  it("past the limit a create is the API server's quota refusal; a delete makes room", async () => {
    const sb = await t.newSandbox("objects");
    const start = (await usage(sb.sandboxId)).objects;
    expect(start).toBeGreaterThan(0);
    for (let i = start; i < limits.objectsPerSandbox; i++)
      expect((await post(sb, configMaps, configMap(`c${i}`))).status).toBe(201);
    const refused = await post(sb, configMaps, configMap("one-too-many"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      code: 403,
      message:
        'configmaps "one-too-many" is forbidden: exceeded quota: sandbox-limits, requested: objects=1, used: objects=40, limited: objects=40',
      details: { name: "one-too-many", kind: "configmaps" },
    });
    // A dry run is refused the same way, and nothing was stored.
    const dry = await t.kube(sb.sandboxId, sb.sandboxToken, `${configMaps}?dryRun=All`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(configMap("dry")),
    });
    expect(dry.status).toBe(403);
    expect((await usage(sb.sandboxId)).objects).toBe(40);
    expect(
      (await t.kube(sb.sandboxId, sb.sandboxToken, `${configMaps}/c${start}`, { method: "DELETE" })).status,
    ).toBe(200);
    expect((await post(sb, configMaps, configMap("room-again"))).status).toBe(201);
  });

  it("past the byte limit a create or a growing update is refused; a shrinking one is not", async () => {
    const sb = await t.newSandbox("bytes");
    expect((await post(sb, configMaps, configMap("big-1", 900_000))).status).toBe(201);
    expect((await post(sb, configMaps, configMap("big-2", 900_000))).status).toBe(201);
    const refused = await post(sb, configMaps, configMap("big-3", 900_000));
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(
      /^configmaps "big-3" is forbidden: exceeded quota: sandbox-limits, requested: bytes=\d+, used: bytes=\d+, limited: bytes=2000000$/,
    );
    expect((await post(sb, configMaps, configMap("small"))).status).toBe(201);
    const grow = await t.kube(sb.sandboxId, sb.sandboxToken, `${configMaps}/small`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ data: { v: "y".repeat(500_000) } }),
    });
    expect(grow.status).toBe(403);
    const shrink = await t.kube(sb.sandboxId, sb.sandboxToken, `${configMaps}/big-1`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ data: { v: "short" } }),
    });
    expect(shrink.status).toBe(200);
  });

  it("counts exactly what the sandbox holds, through creates, updates, Secrets and deletes", async () => {
    const sb = await t.newSandbox("counted");
    const send = (method: string, path: string, body?: unknown, type = "application/json") =>
      t.kube(sb.sandboxId, sb.sandboxToken, path, {
        method,
        headers: { "content-type": type },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    await post(sb, configMaps, configMap("a", 100));
    await post(sb, configMaps, configMap("b", 1000));
    await send(
      "PATCH",
      `${configMaps}/a`,
      { metadata: { labels: { x: "y" } } },
      "application/merge-patch+json",
    );
    await send("PUT", `${configMaps}/b`, { ...configMap("b", 10) });
    await post(sb, "/api/v1/namespaces/default/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      stringData: { p: "hunter2" },
    });
    await send(
      "PATCH",
      "/api/v1/namespaces/default/secrets/s",
      { stringData: { q: "longer value" } },
      "application/merge-patch+json",
    );
    await send("DELETE", `${configMaps}/a`);
    await post(sb, "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "other" },
    });
    const rows = await t.database.sql<
      { body: unknown }[]
    >`SELECT body FROM objects WHERE sandbox_id = ${sb.sandboxId}`;
    const bytes = rows.reduce((n, r) => n + JSON.stringify(r.body).length, 0);
    expect(await usage(sb.sandboxId)).toEqual({ objects: rows.length, bytes });
    // A fork holds as much, counted from its first moment (its later writes count from there).
    const fork = await t.gql(
      'mutation($s:ID!){forkSandbox(id:$s,name:"counted-fork"){id}}',
      { s: sb.sandboxId },
      sb.userToken,
    );
    const forkId = fork.data.forkSandbox.id as string;
    const forked = await t.database.sql<
      { body: unknown }[]
    >`SELECT body FROM objects WHERE sandbox_id = ${forkId}`;
    expect(forked.length).toBe(rows.length);
    expect(await usage(forkId)).toEqual({
      objects: rows.length,
      bytes: forked.reduce((n, r) => n + JSON.stringify(r.body).length, 0),
    });
  });

  it("the replica set controller is refused past it as by a quota: FailedCreate, and its job does not fail", async () => {
    // Writes of its own pool (no trigger rules: no job that another test's workers would run).
    const database = connect(suiteDatabaseUrl(), 2, { limits: { ...defaultLimits, ...limits } });
    try {
      const sb = await t.newSandbox("controller");
      const free = limits.objectsPerSandbox - (await usage(sb.sandboxId)).objects;
      const rs = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "web", namespace: "default" },
        spec: {
          replicas: 5,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      };
      // Fill the sandbox to three objects short of its limit, then make the replica set.
      for (let i = 0; i < free - 4; i++)
        expect((await post(sb, configMaps, configMap(`f${i}`))).status).toBe(201);
      await createObject(database, sb.sandboxId, replicaSetKind, "default", rs);
      await reconcileReplicaSet(database, { sandbox: sb.sandboxId, namespace: "default", name: "web" });
      const pods = await (
        await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1/namespaces/default/pods")
      ).json();
      expect(pods.items.length).toBeGreaterThan(0);
      expect(pods.items.length).toBeLessThan(5);
      expect((await usage(sb.sandboxId)).objects).toBe(limits.objectsPerSandbox);
    } finally {
      await database.close();
    }
  });
});

describe("replicas per controller", () => {
  const deployment = (replicas: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  });
  const deployments = "/apis/apps/v1/namespaces/default/deployments";

  it("a create asking more is invalid, as is a scale or patch up past it", async () => {
    const sb = await t.newSandbox("replicas");
    const big = await post(sb, deployments, deployment(2_000_000_000));
    expect(big.status).toBe(422);
    expect(await big.json()).toMatchObject({
      reason: "Invalid",
      message:
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: 2000000000: must be less than or equal to 5',
    });
    expect((await post(sb, deployments, deployment(5))).status).toBe(201);
    const scale = await t.kube(sb.sandboxId, sb.sandboxToken, `${deployments}/web/scale`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { replicas: 6 } }),
    });
    expect(scale.status).toBe(422);
    const rc = await post(sb, "/api/v1/namespaces/default/replicationcontrollers", {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "rc" },
      spec: {
        replicas: 6,
        selector: { app: "rc" },
        template: {
          metadata: { labels: { app: "rc" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    expect(rc.status).toBe(422);
    const down = await t.kube(sb.sandboxId, sb.sandboxToken, `${deployments}/web/scale`, {
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify({ spec: { replicas: 2 } }),
    });
    expect(down.status).toBe(200);
  });
});
