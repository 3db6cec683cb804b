import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { graphql, kubectl, readOnlyKubeconfig, tutorialManifests, useSandbox } from "../support/service.ts";

/**
 * An instructor with the real kubectl and the read-only kubeconfig of a student's sandbox: get,
 * list, describe and watch work; writes, exec and Secret values are refused with kubectl's usual
 * Forbidden text.
 */
const cluster = useSandbox("classroom-template");
let instructorConfig = "";
let studentConfig = "";
let classroomId = "";
let studentId = "";

beforeAll(async () => {
  const { service, sandbox } = cluster;
  const c = await graphql(
    service.http,
    `mutation($t:ID!){createClassroom(name:"k8s",seats:3,templateSandboxId:$t){id joinCode}}`,
    { t: sandbox.id },
    sandbox.userToken,
  );
  const up = await graphql(
    service.http,
    `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token user{id}}}`,
    {
      e: `student-${Date.now()}@example.com`,
    },
  );
  const joined = await graphql(
    service.http,
    `mutation($c:String!){joinClassroom(code:$c){id kubeconfig}}`,
    { c: c.data.createClassroom.joinCode },
    up.data.signUp.token,
  );
  classroomId = c.data.createClassroom.id;
  studentId = up.data.signUp.user.id;
  studentConfig = join(service.dataDir, "kubeconfig-student");
  await writeFile(studentConfig, joined.data.joinClassroom.kubeconfig);
  instructorConfig = await readOnlyKubeconfig(
    service,
    sandbox.userToken,
    joined.data.joinClassroom.id,
    "instructor",
  );
  const k = (...args: string[]) => kubectl(studentConfig, args);
  expect((await k("create", "-f", `${tutorialManifests}/my-first.pod.yaml`)).code).toBe(0);
  expect((await k("create", "-f", `${tutorialManifests}/secret.yaml`)).code).toBe(0);
});

describe("the instructor's read-only kubeconfig, with the real kubectl", () => {
  const k = (...args: string[]) => kubectl(instructorConfig, args);

  it("gets, lists and describes", async () => {
    const pods = await k("get", "pods");
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s+READY\s+STATUS/);
    expect((await k("get", "nodes")).code).toBe(0);
    const described = await k("describe", "pods");
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/^Name:/m);
  });

  it("is refused writes, exec and Secret values with kubectl's Forbidden text", async () => {
    const del = await k("delete", "pods", "--all");
    expect(del.code).not.toBe(0);
    expect(del.stderr).toContain("Error from server (Forbidden)");
    expect(del.stderr).toContain('cannot delete resource "pods" in API group "" in the namespace "default"');
    const create = await k("create", "configmap", "x", "--from-literal=a=b");
    // kubectl's own words for a refused `create configmap`, around the API server's.
    expect(create.stderr).toMatch(
      /failed to create configmap: configmaps is forbidden: User "[^"]+" cannot create resource "configmaps"/,
    );
    const secret = await k("get", "secret", "mysecret", "-o", "yaml");
    expect(secret.stderr).toContain("Error from server (Forbidden)");
    expect(secret.stdout).not.toContain("data:");
    const pod = (await k("get", "pods", "-o", "name")).stdout.trim().split("\n")[0] ?? "";
    const exec = await k("exec", pod.replace("pod/", ""), "--", "ls");
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toMatch(/Forbidden|forbidden/);
  });
});

describe("a student's limits, with the real kubectl and the real controllers", () => {
  const k = (...args: string[]) => kubectl(studentConfig, args);

  it("refuses a pod past maxPods as a quota does, and a replica set shows FailedCreate", async () => {
    const { service, sandbox } = cluster;
    const held = Number(
      (await k("get", "pods", "-A", "--no-headers", "-o", "name")).stdout.trim().split("\n").length,
    );
    const set = await graphql(
      service.http,
      `mutation($c:ID!,$u:ID!,$l:StudentLimitsInput!){setStudentLimits(classroomId:$c,userId:$u,limits:$l){joinedAt}}`,
      { c: classroomId, u: studentId, l: { maxPods: held + 1 } },
      sandbox.userToken,
    );
    expect(set.errors).toBeUndefined();
    expect((await k("run", "fits", "--image=nginx")).code).toBe(0);
    const refused = await k("run", "too-many", "--image=nginx");
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `Error from server (Forbidden): pods "too-many" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=${held + 1}, limited: pods=${held + 1}`,
    );
    const made = await k("create", "deployment", "web", "--image=nginx", "--replicas=2");
    expect(made.code, made.stderr).toBe(0);
    // The replica set controller keeps trying; its refusal shows where a real cluster shows it.
    let described = "";
    for (let i = 0; i < 100 && !/FailedCreate/.test(described); i++) {
      await new Promise((r) => setTimeout(r, 100));
      described = (await k("describe", "rs", "-l", "app=web")).stdout;
    }
    expect(described).toMatch(/ReplicaFailure\s+True\s+FailedCreate/);
    expect(described).toMatch(
      /Warning\s+FailedCreate\s+\S+\s+replicaset-controller\s+Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: classroom, requested: pods=1, used: pods=\d+, limited: pods=\d+/,
    );
    const rs = await k("get", "rs", "-l", "app=web", "--no-headers");
    expect(rs.stdout).toMatch(/^web-\S+\s+2\s+0\s+/);
  });
});
