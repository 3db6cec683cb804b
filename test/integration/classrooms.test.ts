import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { classroomOverview, glanceCache } from "../../accounts/classroom-overview.ts";
import type { SandboxGlance } from "../../db/store/overview.ts";
import { testApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";

const t = testApp();

/** A new user: their login token and id. */
async function user(name: string) {
  const email = `${name}-${randomBytes(4).toString("hex")}@example.com`;
  const r = await t.gql(`mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token user{id}}}`, {
    e: email,
  });
  return { token: r.data.signUp.token as string, id: r.data.signUp.user.id as string, email };
}
async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const r = await t.gql(query, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}
const tokenOf = (kubeconfig: string) => /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";

const template = `
apiVersion: v1
kind: Namespace
metadata: {name: lab}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: welcome, namespace: lab}
data: {step: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: given, namespace: lab}
stringData: {key: template-secret-value}
`;

describe("classrooms", () => {
  let teacher: Awaited<ReturnType<typeof user>>;
  let templateId = "";
  let classroom: { id: string; joinCode: string };
  /** Student A's sandbox and its kubeconfig token. */
  let studentA = { sandboxId: "", token: "" };
  /** Student B's login token. */
  let studentBToken = "";

  beforeAll(async () => {
    teacher = await user("teacher");
    templateId = (await ok(`mutation{createSandbox(name:"template"){id}}`, {}, teacher.token)).createSandbox
      .id;
    const applied = await ok(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
      { s: templateId, m: template },
      teacher.token,
    );
    expect(applied.applyManifest.ok).toBe(true);
    classroom = (
      await ok(
        `mutation($t:ID!){createClassroom(name:"Kubernetes 101",seats:2,templateSandboxId:$t){id joinCode seats}}`,
        { t: templateId },
        teacher.token,
      )
    ).createClassroom;
    expect(classroom.joinCode).toMatch(/^[A-Z2-9]{10}$/);
  });

  it("gives each student a sandbox forked from the template, the same one on joining again, and enforces seats", async () => {
    const a = await user("student-a");
    const sa = (
      await ok(
        `mutation($c:String!){joinClassroom(code:$c){id access kubeconfig}}`,
        { c: classroom.joinCode },
        a.token,
      )
    ).joinClassroom;
    expect(sa.access).toBe("OWNER");
    studentA = { sandboxId: sa.id, token: tokenOf(sa.kubeconfig) };
    const cm = await t.kube(sa.id, tokenOf(sa.kubeconfig), "/api/v1/namespaces/lab/configmaps/welcome");
    expect((await cm.json()).data).toEqual({ step: "1" });
    const secret = await (
      await t.kube(sa.id, tokenOf(sa.kubeconfig), "/api/v1/namespaces/lab/secrets/given")
    ).json();
    expect(Buffer.from(secret.data.key, "base64").toString()).toBe("template-secret-value");
    const again = await ok(
      `mutation($c:String!){joinClassroom(code:$c){id}}`,
      { c: classroom.joinCode.toLowerCase() },
      a.token,
    );
    expect(again.joinClassroom.id).toBe(sa.id);
    const b = await user("student-b");
    studentBToken = b.token;
    await ok(`mutation($c:String!){joinClassroom(code:$c){id}}`, { c: classroom.joinCode }, b.token);
    const c = await user("student-c");
    const full = await t.gql(
      `mutation($c:String!){joinClassroom(code:$c){id}}`,
      { c: classroom.joinCode },
      c.token,
    );
    expect(full.errors?.[0].extensions.code).toBe("CONFLICT");
    expect((await ok(`{sandboxes{id}}`, {}, c.token)).sandboxes).toEqual([]);
    const wrong = await t.gql(`mutation{joinClassroom(code:"NOPE"){id}}`, {}, c.token);
    expect(wrong.errors?.[0].extensions.code).toBe("NOT_FOUND");
  });

  it("lets the instructor read every student's sandbox, read-only, through GraphQL and a kubeconfig", async () => {
    const d = await ok(
      `query($c:ID!){classroom(id:$c){joinCode students{user{email} sandbox{id access kubeconfig configMaps(namespace:"lab"){nodes{name}} secrets(namespace:"lab"){nodes{keys}}}}}}`,
      { c: classroom.id },
      teacher.token,
    );
    const [first] = d.classroom.students;
    expect(first.sandbox.access).toBe("READ_ONLY");
    expect(first.sandbox.configMaps.nodes.map((n: any) => n.name)).toContain("welcome");
    expect(first.sandbox.secrets.nodes[0].keys).toEqual(["key"]);
    const values = await t.gql(
      `query($s:ID!){sandbox(id:$s){secrets(namespace:"lab"){nodes{values{value}}}}}`,
      { s: first.sandbox.id },
      teacher.token,
    );
    expect(values.errors?.[0].extensions.code).toBe("FORBIDDEN");
    const write = await t.gql(
      `mutation($s:ID!){applyManifest(sandboxId:$s,manifest:"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}\\n"){results{error{code}}}}`,
      { s: first.sandbox.id },
      teacher.token,
    );
    expect(write.data.applyManifest.results[0].error.code).toBe("FORBIDDEN");
    const token = tokenOf(first.sandbox.kubeconfig);
    const get = (path: string, init?: RequestInit) => t.kube(first.sandbox.id, token, path, init);
    expect((await get("/api/v1/namespaces/lab/configmaps")).status).toBe(200);
    expect((await get("/api/v1/namespaces/lab/configmaps?watch=1&timeoutSeconds=1")).status).toBe(200);
    const denied = await get("/api/v1/namespaces/lab/configmaps/welcome", { method: "DELETE" });
    expect(denied.status).toBe(403);
    expect((await denied.json()).message).toBe(
      `configmaps "welcome" is forbidden: User "${teacher.email}" cannot delete resource "configmaps" in API group "" in the namespace "lab"`,
    );
    expect((await get("/api/v1/namespaces/lab/secrets/given")).status).toBe(403);
    expect((await get("/api/v1/namespaces/lab/pods/x/exec?command=sh", { method: "POST" })).status).toBe(403);
    expect((await get("/api/v1/namespaces/lab/pods/x/portforward", { method: "POST" })).status).toBe(403);
    // The kubeconfig shown again carries the same token.
    const again = await ok(
      `query($s:ID!){sandbox(id:$s){kubeconfig}}`,
      { s: first.sandbox.id },
      teacher.token,
    );
    expect(tokenOf(again.sandbox.kubeconfig)).toBe(token);
  });

  it("resets a student's sandbox to the template", async () => {
    const d = await ok(
      `query($c:ID!){classroom(id:$c){students{user{id} sandbox{id}}}}`,
      { c: classroom.id },
      teacher.token,
    );
    const student = d.classroom.students[0];
    await t.database.sql`UPDATE objects SET body = jsonb_set(body, '{data,step}', '"9"')
      WHERE sandbox_id = ${student.sandbox.id} AND resource = 'configmaps' AND name = 'welcome'`;
    const reset = await ok(
      `mutation($c:ID!,$u:ID!){resetStudentSandbox(classroomId:$c,userId:$u){id configMaps(namespace:"lab"){nodes{name ... on ConfigMap{data{value}}}}}}`,
      { c: classroom.id, u: student.user.id },
      teacher.token,
    );
    const welcome = reset.resetStudentSandbox.configMaps.nodes.find((n: any) => n.name === "welcome");
    expect(welcome.data).toEqual([{ value: "1" }]);
  });

  it("rotates the join code, sets limits, shows students only themselves", async () => {
    const rotated = await ok(
      `mutation($c:ID!){rotateJoinCode(classroomId:$c){joinCode}}`,
      { c: classroom.id },
      teacher.token,
    );
    expect(rotated.rotateJoinCode.joinCode).not.toBe(classroom.joinCode);
    const late = await user("late");
    const old = await t.gql(
      `mutation($c:String!){joinClassroom(code:$c){id}}`,
      { c: classroom.joinCode },
      late.token,
    );
    expect(old.errors?.[0].extensions.code).toBe("NOT_FOUND");
    const d = await ok(
      `query($c:ID!){classroom(id:$c){students{user{id}}}}`,
      { c: classroom.id },
      teacher.token,
    );
    const studentId = d.classroom.students[1].user.id;
    const limited = await ok(
      `mutation($c:ID!,$u:ID!){setStudentLimits(classroomId:$c,userId:$u,limits:{maxPods:5,maxObjects:50}){limits{maxSandboxes maxObjects maxPods}}}`,
      { c: classroom.id, u: studentId },
      teacher.token,
    );
    expect(limited.setStudentLimits.limits).toEqual({ maxSandboxes: null, maxObjects: 50, maxPods: 5 });
    const bad = await t.gql(
      `mutation($c:ID!,$u:ID!){setStudentLimits(classroomId:$c,userId:$u,limits:{maxPods:-1}){user{id}}}`,
      { c: classroom.id, u: studentId },
      teacher.token,
    );
    expect(bad.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
    // A sandbox limit holds for every sandbox the student makes, with the quota error's words.
    await ok(
      `mutation($c:ID!,$u:ID!){setStudentLimits(classroomId:$c,userId:$u,limits:{maxSandboxes:2}){joinedAt}}`,
      { c: classroom.id, u: studentId },
      teacher.token,
    );
    expect(
      (await t.gql(`mutation{createSandbox(name:"second"){id}}`, {}, studentBToken)).errors,
    ).toBeUndefined();
    const third = await t.gql(`mutation{createSandbox(name:"third"){id}}`, {}, studentBToken);
    expect(third.errors?.[0].extensions.code).toBe("FORBIDDEN");
    expect(third.errors?.[0].message).toBe(
      "exceeded quota: classroom, requested: sandboxes=1, used: sandboxes=2, limited: sandboxes=2",
    );
    const forked = await t.gql(`{sandboxes{id}}`, {}, studentBToken);
    expect(forked.data.sandboxes).toHaveLength(2);
  });

  it("gives the instructor an overview, live", async () => {
    const d = await ok(
      `query($c:ID!){classroom(id:$c){overview{student{email} sandboxId podsByPhase{phase count} warnings lastActivity}}}`,
      { c: classroom.id },
      teacher.token,
    );
    expect(d.classroom.overview).toHaveLength(2);
    expect(d.classroom.overview[0].lastActivity).toMatch(/^\d{4}-/);
    const sub = await subscribeSse(
      t,
      `subscription($c:ID!){classroomOverview(classroomId:$c){sandboxId podsByPhase{phase count}}}`,
      { c: classroom.id },
      teacher.token,
    );
    const first = (await sub.next()).data.classroomOverview;
    expect(first).toHaveLength(2);
    expect(first.find((l: any) => l.sandboxId === studentA.sandboxId).podsByPhase).toEqual([]);
    // Student A creates a pod: the next overview counts it (no scheduler here: Pending).
    const created = await t.kube(studentA.sandboxId, studentA.token, "/api/v1/namespaces/default/pods", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      }),
    });
    expect(created.status).toBe(201);
    const next = (await sub.next()).data.classroomOverview;
    expect(next.find((l: any) => l.sandboxId === studentA.sandboxId).podsByPhase).toEqual([
      { phase: "Pending", count: 1 },
    ]);
    sub.close();
  });

  it("makes an overview again from the glances of the sandboxes that did not change", async () => {
    const cache = glanceCache();
    const watched: string[][] = [];
    const first = await classroomOverview(t.database, teacher.id, classroom.id, cache, (ids) =>
      watched.push(ids),
    );
    const sandboxes = first.flatMap((l) => (l.sandboxId ? [l.sandboxId] : []));
    expect(sandboxes).toHaveLength(2);
    // The watcher heard of every sandbox before any was read.
    expect(watched).toEqual([sandboxes]);
    const other = sandboxes.find((id) => id !== studentA.sandboxId) as string;
    // A mark on the other's glance shows whether it was read again.
    cache.glances.set(other, { ...(cache.glances.get(other) as SandboxGlance), warnings: 999 });
    const created = await t.kube(studentA.sandboxId, studentA.token, "/api/v1/namespaces/default/pods", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        metadata: { name: "q" },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      }),
    });
    expect(created.status).toBe(201);
    cache.changed.add(studentA.sandboxId);
    const again = await classroomOverview(t.database, teacher.id, classroom.id, cache);
    const line = (id: string) => again.find((l) => l.sandboxId === id);
    expect(line(studentA.sandboxId)?.podsByPhase).toEqual([{ phase: "Pending", count: 2 }]);
    expect(line(other)?.warnings).toBe(999);
    expect(cache.changed.size).toBe(0);
    // Once it changes, it is read again.
    cache.changed.add(other);
    const third = await classroomOverview(t.database, teacher.id, classroom.id, cache);
    expect(third.find((l) => l.sandboxId === other)?.warnings).toBe(0);
  });

  it("removes a student: the instructor's read access ends at once", async () => {
    const d = await ok(
      `query($c:ID!){classroom(id:$c){students{user{id} sandbox{id kubeconfig}}}}`,
      { c: classroom.id },
      teacher.token,
    );
    const [student] = d.classroom.students;
    const token = tokenOf(student.sandbox.kubeconfig);
    expect((await t.kube(student.sandbox.id, token, "/api/v1/namespaces")).status).toBe(200);
    expect(
      (
        await ok(
          `mutation($c:ID!,$u:ID!){removeStudent(classroomId:$c,userId:$u)}`,
          { c: classroom.id, u: student.user.id },
          teacher.token,
        )
      ).removeStudent,
    ).toBe(true);
    expect((await t.kube(student.sandbox.id, token, "/api/v1/namespaces")).status).toBe(401);
    const gone = await t.gql(`query($s:ID!){sandbox(id:$s){id}}`, { s: student.sandbox.id }, teacher.token);
    expect(gone.data.sandbox).toBeNull();
  });
});

describe("a user's sandboxes made at once", () => {
  it("all land without a deadlock, and a student's limit holds under concurrency", async () => {
    const free = await user("free");
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.gql(`mutation($n:String!){createSandbox(name:$n){id}}`, { n: `at-once-${i}` }, free.token),
      ),
    );
    expect(made.filter((r) => r.errors)).toEqual([]);
    const teacher = await user("t2");
    const c = await ok(`mutation{createClassroom(name:"c",seats:5){id joinCode}}`, {}, teacher.token);
    const student = await user("limited");
    await ok(
      `mutation($c:String!){joinClassroom(code:$c){id}}`,
      { c: c.createClassroom.joinCode },
      student.token,
    );
    await ok(
      `mutation($c:ID!,$u:ID!){setStudentLimits(classroomId:$c,userId:$u,limits:{maxSandboxes:3}){joinedAt}}`,
      { c: c.createClassroom.id, u: student.id },
      teacher.token,
    );
    const tried = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.gql(`mutation($n:String!){createSandbox(name:$n){id}}`, { n: `try-${i}` }, student.token),
      ),
    );
    expect(tried.filter((r) => !r.errors)).toHaveLength(2);
    expect(tried.filter((r) => r.errors).map((r) => r.errors?.[0].extensions.code)).toEqual(
      Array(4).fill("FORBIDDEN"),
    );
    expect((await ok(`{sandboxes{id}}`, {}, student.token)).sandboxes).toHaveLength(3);
  });
});
