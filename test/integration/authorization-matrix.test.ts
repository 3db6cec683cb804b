import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { portForwardGate, remoteCommandGate } from "../../api/kube/index.ts";
import { testApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";

/**
 * Who reaches what: anonymous, student A, student B, the class's instructor and another class's
 * instructor, over every query, mutation, subscription and Kubernetes verb on student A's
 * sandbox and their class. Each row names exactly who is allowed; everyone else must be refused.
 */
const t = testApp();
type Actor = "anonymous" | "studentA" | "studentB" | "instructor" | "otherInstructor";
const actors: Actor[] = ["anonymous", "studentB", "otherInstructor", "instructor", "studentA"];
const tokens: Record<Actor, string> = {
  anonymous: "",
  studentA: "",
  studentB: "",
  instructor: "",
  otherInstructor: "",
};
const ids = { sandboxA: "", sandboxB: "", classroom: "", studentA: "", studentB: "" };
/** Each actor's kubeconfig token for sandbox A, where they have one (the instructor's is read-only). */
const kubeTokens: Partial<Record<Actor, string>> = {};

async function user(name: string) {
  const email = `${name}-${randomBytes(4).toString("hex")}@example.com`;
  const r = await t.gql(`mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token user{id}}}`, {
    e: email,
  });
  return { token: r.data.signUp.token as string, id: r.data.signUp.user.id as string };
}
const tokenOf = (kubeconfig: string) => /token: (\S+)/.exec(kubeconfig)?.[1] ?? "";

beforeAll(async () => {
  const instructor = await user("instructor");
  tokens.instructor = instructor.token;
  tokens.otherInstructor = (await user("other")).token;
  const template = (await t.gql(`mutation{createSandbox(name:"tpl"){id}}`, {}, instructor.token)).data
    .createSandbox.id;
  await t.gql(
    `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
    {
      s: template,
      m: `apiVersion: v1
kind: ReplicationController
metadata: {name: web}
spec: {replicas: 1, selector: {app: web}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: w, image: nginx}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec: {selector: {matchLabels: {app: api}}, template: {metadata: {labels: {app: api}}, spec: {containers: [{name: a, image: nginx}]}}}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {k: v-value}
`,
    },
    instructor.token,
  );
  const c = await t.gql(
    `mutation($t:ID!){createClassroom(name:"c",seats:5,templateSandboxId:$t){id joinCode}}`,
    { t: template },
    instructor.token,
  );
  ids.classroom = c.data.createClassroom.id;
  await t.gql(`mutation{createClassroom(name:"other",seats:5){id}}`, {}, tokens.otherInstructor);
  for (const who of ["studentA", "studentB"] as const) {
    const u = await user(who);
    tokens[who] = u.token;
    ids[who] = u.id;
    const j = await t.gql(
      `mutation($c:String!){joinClassroom(code:$c){id kubeconfig}}`,
      { c: c.data.createClassroom.joinCode },
      u.token,
    );
    if (who === "studentA") {
      ids.sandboxA = j.data.joinClassroom.id;
      kubeTokens.studentA = tokenOf(j.data.joinClassroom.kubeconfig);
    } else {
      ids.sandboxB = j.data.joinClassroom.id;
      kubeTokens.studentB = tokenOf(j.data.joinClassroom.kubeconfig);
    }
  }
  const view = await t.gql(
    `query($s:ID!){sandbox(id:$s){kubeconfig}}`,
    { s: ids.sandboxA },
    instructor.token,
  );
  kubeTokens.instructor = tokenOf(view.data.sandbox.kubeconfig);
});

/** Whether a GraphQL answer means the operation was allowed (data, no error). */
function allowed(r: { data?: any; errors?: any[] }, field: string): boolean {
  if (r.errors?.length) {
    const code = r.errors[0].extensions?.code;
    expect(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"], JSON.stringify(r.errors)).toContain(code);
    return false;
  }
  const value = r.data?.[field];
  // applyManifest reports a refusal per document.
  if (value && typeof value === "object" && "ok" in value) return value.ok;
  return value !== null && value !== undefined;
}

const v = () => ({ s: ids.sandboxA, c: ids.classroom, a: ids.studentA, b: ids.studentB });

/** [operation, the query, who is allowed] */
const graphqlRows: [string, string, Actor[]][] = [
  ["sandbox", `query($s:ID!){sandbox(id:$s){id}}`, ["studentA", "instructor"]],
  ["sandbox.pods", `query($s:ID!){sandbox(id:$s){pods{nodes{name}}}}`, ["studentA", "instructor"]],
  [
    "sandbox.secrets (keys)",
    `query($s:ID!){sandbox(id:$s){secrets{nodes{keys}}}}`,
    ["studentA", "instructor"],
  ],
  ["sandbox.secrets.values", `query($s:ID!){sandbox(id:$s){secrets{nodes{values{value}}}}}`, ["studentA"]],
  [
    "sandbox.kubeconfigTokens",
    `query($s:ID!){sandbox(id:$s){kubeconfigTokens{id}}}`,
    ["studentA", "instructor"],
  ],
  ["classroom", `query($c:ID!){classroom(id:$c){id}}`, ["studentA", "studentB", "instructor"]],
  ["classroom.overview", `query($c:ID!){classroom(id:$c){overview{sandboxId}}}`, ["instructor"]],
  [
    "applyManifest",
    `mutation($s:ID!){applyManifest(sandboxId:$s,manifest:"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: m}\\n"){ok}}`,
    ["studentA"],
  ],
  [
    "label",
    `mutation($s:ID!){label(sandboxId:$s,object:{kind:"rc",name:"web"},labels:[{key:"x",value:"y"}]){name}}`,
    ["studentA"],
  ],
  [
    "scale",
    `mutation($s:ID!){scale(sandboxId:$s,object:{kind:"rc",name:"web"},replicas:2){name}}`,
    ["studentA"],
  ],
  [
    "restartRollout",
    `mutation($s:ID!){restartRollout(sandboxId:$s,object:{kind:"deployment",name:"api"}){name}}`,
    ["studentA"],
  ],
  [
    "deleteObject",
    `mutation($s:ID!){deleteObject(sandboxId:$s,object:{kind:"configmap",name:"m"}){name}}`,
    ["studentA"],
  ],
  ["issueKubeconfig", `mutation($s:ID!){issueKubeconfig(sandboxId:$s,label:"x"){kubeconfig}}`, ["studentA"]],
  ["resetSandbox", `mutation($s:ID!){resetSandbox(id:$s){id}}`, ["studentA"]],
  ["rotateJoinCode", `mutation($c:ID!){rotateJoinCode(classroomId:$c){id}}`, ["instructor"]],
  [
    "setStudentLimits",
    `mutation($c:ID!,$a:ID!){setStudentLimits(classroomId:$c,userId:$a,limits:{maxPods:9}){joinedAt}}`,
    ["instructor"],
  ],
  [
    "resetStudentSandbox",
    `mutation($c:ID!,$a:ID!){resetStudentSandbox(classroomId:$c,userId:$a){id}}`,
    ["instructor"],
  ],
];

describe("authorization matrix: GraphQL", () => {
  for (const [name, query, who] of graphqlRows)
    it(`${name}: only ${who.join(", ")}`, async () => {
      const field = /[({]\s*(\w+)/.exec(query.replace(/^(query|mutation)\([^)]*\)/, ""))?.[1] ?? "";
      const got: Actor[] = [];
      for (const actor of actors) {
        const r = await t.gql(query, v(), tokens[actor] || undefined);
        // sandbox.kubeconfigTokens: an instructor may ask, and sees none (they are the owner's).
        if (allowed(r, field)) got.push(actor);
      }
      expect(got.sort()).toEqual([...who].sort());
    });

  it("forkSandbox: only the owner", async () => {
    const got: Actor[] = [];
    for (const actor of actors) {
      const r = await t.gql(
        `mutation($s:ID!,$n:String!){forkSandbox(id:$s,name:$n){id}}`,
        { s: ids.sandboxA, n: `fork-${actor.toLowerCase()}` },
        tokens[actor] || undefined,
      );
      if (allowed(r, "forkSandbox")) got.push(actor);
    }
    expect(got).toEqual(["studentA"]);
  });

  it("sandboxChanges: the owner and the instructor", async () => {
    // Subscriptions from before a change: one allowed to read answers with it at once, so each
    // actor's first answer is an event or a refusal, and no wait (a slow runtime's) decides.
    const from = (
      await t.gql(`query($s:ID!){sandbox(id:$s){revision}}`, { s: ids.sandboxA }, tokens.studentA)
    ).data.sandbox.revision;
    const change = await t.gql(
      `mutation($s:ID!){applyManifest(sandboxId:$s,manifest:"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: seen}\\n"){ok}}`,
      { s: ids.sandboxA },
      tokens.studentA,
    );
    expect(change.errors).toBeUndefined();
    const got: Actor[] = [];
    for (const actor of actors) {
      const sub = await subscribeSse(
        t,
        `subscription($s:ID!,$r:String){sandboxChanges(sandboxId:$s,fromRevision:$r){revision}}`,
        { s: ids.sandboxA, r: from },
        tokens[actor] || undefined,
      );
      const first = await sub.next(30_000);
      sub.close();
      expect(first, actor).not.toBeNull();
      if (first.errors) expect(["UNAUTHENTICATED", "NOT_FOUND"]).toContain(first.errors[0].extensions.code);
      else got.push(actor);
    }
    expect(got.sort()).toEqual(["instructor", "studentA"]);
  });

  it("removeStudent and deleteSandbox: only the instructor, only the owner", async () => {
    const removed: Actor[] = [];
    for (const actor of ["anonymous", "studentA", "otherInstructor", "instructor"] as Actor[]) {
      const r = await t.gql(
        `mutation($c:ID!,$b:ID!){removeStudent(classroomId:$c,userId:$b)}`,
        { c: ids.classroom, b: ids.studentB },
        tokens[actor] || undefined,
      );
      if (allowed(r, "removeStudent")) removed.push(actor);
    }
    expect(removed).toEqual(["instructor"]);
    const deleted: Actor[] = [];
    for (const actor of ["anonymous", "studentA", "instructor", "otherInstructor", "studentB"] as Actor[]) {
      const r = await t.gql(
        `mutation($s:ID!){deleteSandbox(id:$s)}`,
        { s: ids.sandboxB },
        tokens[actor] || undefined,
      );
      if (allowed(r, "deleteSandbox")) deleted.push(actor);
    }
    expect(deleted).toEqual(["studentB"]);
  });
});

/** [verb, method, path under the sandbox, who is allowed] — with each actor's kubeconfig token (login token when they have none). */
const kubeRows: [string, string, string, Actor[]][] = [
  ["list pods", "GET", "/api/v1/namespaces/default/pods", ["studentA", "instructor"]],
  ["get rc", "GET", "/api/v1/namespaces/default/replicationcontrollers/web", ["studentA", "instructor"]],
  [
    "watch pods",
    "GET",
    "/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1",
    ["studentA", "instructor"],
  ],
  [
    "get rc scale",
    "GET",
    "/api/v1/namespaces/default/replicationcontrollers/web/scale",
    ["studentA", "instructor"],
  ],
  ["get secret", "GET", "/api/v1/namespaces/default/secrets/s", ["studentA"]],
  ["list secrets", "GET", "/api/v1/namespaces/default/secrets", ["studentA"]],
  ["create configmap", "POST", "/api/v1/namespaces/default/configmaps", ["studentA"]],
  ["patch rc", "PATCH", "/api/v1/namespaces/default/replicationcontrollers/web", ["studentA"]],
  ["update rc scale", "PUT", "/api/v1/namespaces/default/replicationcontrollers/web/scale", ["studentA"]],
  ["delete configmap", "DELETE", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt", ["studentA"]],
  [
    "deletecollection pods",
    "DELETE",
    "/api/v1/namespaces/default/pods?labelSelector=none%3Dnone",
    ["studentA"],
  ],
  ["exec", "POST", "/api/v1/namespaces/default/pods/x/exec?command=sh", []],
  ["portforward", "POST", "/api/v1/namespaces/default/pods/x/portforward", []],
];

describe("authorization matrix: Kubernetes API on student A's sandbox", () => {
  const bodies: Record<string, string> = {
    POST: JSON.stringify({ metadata: { name: `cm-${Date.now()}` } }),
    PATCH: JSON.stringify({ metadata: { labels: { z: "1" } } }),
    PUT: JSON.stringify({
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web" },
      spec: { replicas: 1 },
    }),
  };
  for (const [verb, method, path, who] of kubeRows)
    it(`${verb}: only ${who.join(", ") || "nobody but the owner's exec/port-forward handlers"}`, async () => {
      const got: Actor[] = [];
      for (const actor of actors) {
        const token = kubeTokens[actor] ?? tokens[actor];
        const headers: Record<string, string> = {
          "content-type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        };
        const res = await t.request(`/sandboxes/${ids.sandboxA}${path}`, {
          method,
          headers,
          ...(bodies[method] ? { body: bodies[method] } : {}),
        });
        if (res.status < 400) got.push(actor);
        else if (res.status !== 401 && res.status !== 403) {
          // Past authorization, the request failed on its own terms (no exec handler, no pod x).
          expect(actor, `${verb} as ${actor}: ${res.status}`).toBe("studentA");
          got.push(actor);
        }
        await res.body?.cancel();
      }
      const expected = verb === "exec" || verb === "portforward" ? ["studentA"] : who;
      expect(got.sort()).toEqual([...expected].sort());
    });

  it("the instructor's login token reads the student's sandbox as their read-only kubeconfig does", async () => {
    const get = (method: string) =>
      t.request(
        `/sandboxes/${ids.sandboxA}/api/v1/namespaces/default/configmaps${method === "GET" ? "" : "/x"}`,
        {
          method,
          headers: { authorization: `Bearer ${tokens.instructor}` },
        },
      );
    expect((await get("GET")).status).toBe(200);
    expect((await get("DELETE")).status).toBe(403);
  });
});

describe("authorization matrix: the upgrade gates of a pod's streams (exec, attach, port-forward)", () => {
  const deps = () => ({ database: t.database, feed: t.feed, signingKey: t.auth.signingKey });
  const noExit = async () => {
    throw new Error("no container ends here");
  };
  const gates = () => ({
    exec: remoteCommandGate(deps(), noExit),
    attach: remoteCommandGate(deps(), noExit),
    portforward: portForwardGate(deps()),
  });
  const query: Record<string, string> = {
    exec: "?command=sh&stdout=true",
    attach: "?stdout=true",
    portforward: "",
  };
  for (const stream of ["exec", "attach", "portforward"] as const)
    it(`${stream}: only the owner gets past authorization (then: no pod x); a read-only token is Forbidden`, async () => {
      const gate = gates()[stream];
      const got: Partial<Record<Actor, number>> = {};
      for (const actor of actors) {
        const token = kubeTokens[actor] ?? tokens[actor];
        const res = await gate(
          new Request(
            `http://localhost/sandboxes/${ids.sandboxA}/api/v1/namespaces/default/pods/x/${stream}${query[stream]}`,
            {
              method: "POST",
              headers: token ? { authorization: `Bearer ${token}` } : {},
            },
          ),
        );
        expect(res).toBeInstanceOf(Response);
        got[actor] = (res as Response).status;
        if (actor === "instructor")
          expect(((await (res as Response).json()) as { message: string }).message).toMatch(
            new RegExp(`cannot create resource "pods/${stream}" in API group "" in the namespace "default"$`),
          );
      }
      expect(got).toEqual({
        anonymous: 401,
        // Student B's kubeconfig token names their own sandbox: unauthenticated here.
        studentB: 401,
        otherInstructor: 403,
        instructor: 403,
        studentA: 404,
      });
    });
});
