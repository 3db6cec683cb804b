import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultLimits } from "../../config.ts";
import { connect } from "../../db/connection.ts";
import { podKind } from "../../kube/kinds/pod/index.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { createInTransaction, createObject } from "../../registry/create.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { reconcileReplicaSet } from "../../workers/replication/task.ts";
import { testApp } from "../support/app.ts";
import { suiteDatabaseUrl } from "../support/db.ts";

/**
 * The limits an instructor sets for a student (maxObjects, maxPods) hold on every write to the
 * student's sandboxes, whoever makes it: the Kubernetes API (as kubectl sends it), GraphQL's
 * applyManifest, and the controllers; refused with the API server's ResourceQuota words.
 */
const t = testApp();

async function user(name: string) {
  const email = `${name}-${randomBytes(4).toString("hex")}@example.com`;
  const r = await t.gql(`mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token user{id}}}`, {
    e: email,
  });
  return { token: r.data.signUp.token as string, id: r.data.signUp.user.id as string };
}
async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const r = await t.gql(query, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}
const tokenOf = (kubeconfig: string) => /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";

let teacher: Awaited<ReturnType<typeof user>>;
let classroomId = "";
let joinCode = "";

beforeAll(async () => {
  teacher = await user("teacher");
  const template = (await ok(`mutation{createSandbox(name:"template"){id}}`, {}, teacher.token))
    .createSandbox;
  const c = await ok(
    `mutation($t:ID!){createClassroom(name:"limits",seats:10,templateSandboxId:$t){id joinCode}}`,
    { t: template.id },
    teacher.token,
  );
  classroomId = c.createClassroom.id;
  joinCode = c.createClassroom.joinCode;
});

/** A new student of the class, with the limits given: their sandbox and its token. */
async function student(limits: { maxPods?: number; maxObjects?: number }) {
  const s = await user("student");
  const joined = (
    await ok(`mutation($c:String!){joinClassroom(code:$c){id kubeconfig}}`, { c: joinCode }, s.token)
  ).joinClassroom;
  await ok(
    `mutation($c:ID!,$u:ID!,$l:StudentLimitsInput!){setStudentLimits(classroomId:$c,userId:$u,limits:$l){joinedAt}}`,
    { c: classroomId, u: s.id, l: limits },
    teacher.token,
  );
  return { ...s, sandboxId: joined.id as string, sandboxToken: tokenOf(joined.kubeconfig) };
}

type Student = Awaited<ReturnType<typeof student>>;

function post(sb: Pick<Student, "sandboxId" | "sandboxToken">, path: string, body: unknown, query = "") {
  return t.kube(sb.sandboxId, sb.sandboxToken, `${path}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
const pods = "/api/v1/namespaces/default/pods";
const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "c", image: "nginx" }] },
});

async function podRows(sandboxId: string): Promise<number> {
  const [row] = await t.database.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM objects WHERE sandbox_id = ${sandboxId} AND resource = 'pods'`;
  return row?.n ?? -1;
}

describe("a student's pod limit", () => {
  it("refuses a pod past it as a ResourceQuota does, dry runs too; a finished pod frees its place", async () => {
    const sb = await student({ maxPods: 2 });
    expect((await post(sb, pods, pod("one"))).status).toBe(201);
    expect((await post(sb, pods, pod("two"))).status).toBe(201);
    const refused = await post(sb, pods, pod("three"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Forbidden",
      code: 403,
      message:
        'pods "three" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=2, limited: pods=2',
      details: { name: "three", kind: "pods" },
    });
    const dry = await post(sb, pods, pod("dry"), "?dryRun=All");
    expect(dry.status).toBe(403);
    expect(await podRows(sb.sandboxId)).toBe(2);
    // Objects other than pods still fit.
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } };
    expect((await post(sb, "/api/v1/namespaces/default/configmaps", cm)).status).toBe(201);
    // A pod that has finished holds no place (quota's QuotaV1Pod), as a deleted one does not.
    await t.database.sql`
      UPDATE objects SET body = jsonb_set(body, '{status,phase}', '"Succeeded"')
      WHERE sandbox_id = ${sb.sandboxId} AND resource = 'pods' AND name = 'one'`;
    expect((await post(sb, pods, pod("three"))).status).toBe(201);
    expect((await post(sb, pods, pod("four"))).status).toBe(403);
    expect((await t.kube(sb.sandboxId, sb.sandboxToken, `${pods}/two`, { method: "DELETE" })).status).toBe(
      200,
    );
    // Deleted gracefully: the pod holds its place until it is gone.
    await t.database.sql`
      DELETE FROM objects WHERE sandbox_id = ${sb.sandboxId} AND resource = 'pods' AND name = 'two'`;
    expect((await post(sb, pods, pod("four"))).status).toBe(201);
  });

  it("holds in every namespace together, and for GraphQL's applyManifest with a per-object error", async () => {
    const sb = await student({ maxPods: 1 });
    expect((await post(sb, pods, pod("here"))).status).toBe(201);
    const manifest = `apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: there, namespace: other}
spec: {containers: [{name: c, image: nginx}]}
`;
    const r = await t.gql(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok results{name error{reason message}}}}`,
      { s: sb.sandboxId, m: manifest },
      sb.token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.applyManifest.ok).toBe(false);
    const [ns, refused] = r.data.applyManifest.results;
    expect(ns.error).toBeNull();
    expect(refused.error.message).toBe(
      'pods "there" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=1, limited: pods=1',
    );
  });

  it("holds for a writer that did not ask for the pods to be counted with the lock", async () => {
    const sb = await student({ maxPods: 1 });
    const create = (name: string) =>
      inSandbox(t.database, sb.sandboxId, (w) => createInTransaction(w, podKind, "default", pod(name)));
    await create("counted-later");
    await expect(create("one-too-many")).rejects.toThrow(
      'pods "one-too-many" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=1, limited: pods=1',
    );
  });

  it("does not touch the sandboxes of anyone else, nor the instructor's", async () => {
    const other = await t.newSandbox("free");
    for (const name of ["a", "b", "c"]) expect((await post(other, pods, pod(name))).status).toBe(201);
  });

  it("refuses the replica set controller as a quota does: FailedCreate event and ReplicaFailure condition", async () => {
    const sb = await student({ maxPods: 2 });
    // The controller on a pool of its own (no trigger rules: no job another file's workers would run).
    const database = connect(suiteDatabaseUrl(), 2, { limits: defaultLimits });
    try {
      const rs = {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "web", namespace: "default" },
        spec: {
          replicas: 4,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      };
      await createObject(database, sb.sandboxId, replicaSetKind, "default", rs);
      await reconcileReplicaSet(database, { sandbox: sb.sandboxId, namespace: "default", name: "web" });
      expect(await podRows(sb.sandboxId)).toBe(2);
      const got = await (
        await t.kube(sb.sandboxId, sb.sandboxToken, "/apis/apps/v1/namespaces/default/replicasets/web")
      ).json();
      const quotaText =
        /^pods "web-[a-z0-9]{5}" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=2, limited: pods=2$/;
      const condition = got.status.conditions.find((c: { type: string }) => c.type === "ReplicaFailure");
      expect(condition).toMatchObject({ status: "True", reason: "FailedCreate" });
      expect(condition.message).toMatch(quotaText);
      const events = await (
        await t.kube(
          sb.sandboxId,
          sb.sandboxToken,
          "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,reason%3DFailedCreate",
        )
      ).json();
      expect(events.items).toHaveLength(1);
      expect(events.items[0]).toMatchObject({
        type: "Warning",
        source: { component: "replicaset-controller" },
      });
      expect(events.items[0].message.replace(/^Error creating: /, "")).toMatch(quotaText);
      // Raised by the instructor, the next sync creates the rest and clears the condition.
      await ok(
        `mutation($c:ID!,$u:ID!){setStudentLimits(classroomId:$c,userId:$u,limits:{maxPods:10}){joinedAt}}`,
        { c: classroomId, u: sb.id },
        teacher.token,
      );
      await reconcileReplicaSet(database, { sandbox: sb.sandboxId, namespace: "default", name: "web" });
      expect(await podRows(sb.sandboxId)).toBe(4);
      const after = await (
        await t.kube(sb.sandboxId, sb.sandboxToken, "/apis/apps/v1/namespaces/default/replicasets/web")
      ).json();
      expect(after.status.conditions ?? []).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

describe("a student's object limit", () => {
  it("is the tighter of the class's and the service's, in the words of a quota named classroom", async () => {
    const probe = await student({});
    const [usage] = await t.database.sql<{ object_count: number }[]>`
      SELECT object_count FROM sandboxes WHERE id = ${probe.sandboxId}`;
    const start = usage?.object_count ?? 0;
    const sb = await student({ maxObjects: start + 2 });
    const cms = "/api/v1/namespaces/default/configmaps";
    const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });
    expect((await post(sb, cms, cm("a"))).status).toBe(201);
    expect((await post(sb, cms, cm("b"))).status).toBe(201);
    const refused = await post(sb, cms, cm("c"));
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toBe(
      `configmaps "c" is forbidden: exceeded quota: classroom, requested: objects=1, used: objects=${start + 2}, limited: objects=${start + 2}`,
    );
    // A pod is an object too.
    expect((await post(sb, pods, pod("p"))).status).toBe(403);
  });
});
