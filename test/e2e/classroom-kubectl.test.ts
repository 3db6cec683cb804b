import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { graphql, kubectl, tutorialManifests, useSandbox } from "../support/service.ts";

/**
 * An instructor with the real kubectl and the read-only kubeconfig of a student's sandbox: get,
 * list, describe and watch work; writes, exec and Secret values are refused with kubectl's usual
 * Forbidden text.
 */
const cluster = useSandbox("classroom-template");
let instructorConfig = "";
let studentConfig = "";

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
    `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`,
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
  studentConfig = join(service.dataDir, "kubeconfig-student");
  await writeFile(studentConfig, joined.data.joinClassroom.kubeconfig);
  const view = await graphql(
    service.http,
    `query($s:ID!){sandbox(id:$s){access kubeconfig}}`,
    { s: joined.data.joinClassroom.id },
    sandbox.userToken,
  );
  expect(view.data.sandbox.access).toBe("READ_ONLY");
  instructorConfig = join(service.dataDir, "kubeconfig-instructor");
  await writeFile(instructorConfig, view.data.sandbox.kubeconfig);
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
