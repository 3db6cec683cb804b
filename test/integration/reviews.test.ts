import { beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../support/app.ts";

const t = testApp();
let sb: Awaited<ReturnType<typeof t.newSandbox>>;
let other: Awaited<ReturnType<typeof t.newSandbox>>;
beforeAll(async () => {
  sb = await t.newSandbox("reviews");
  other = await t.newSandbox("reviews-other");
});

const post = (token: string, path: string, body: unknown, sandbox = sb.sandboxId) =>
  t.kube(sandbox, token, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const ssar = (spec: unknown) => ({
  apiVersion: "authorization.k8s.io/v1",
  kind: "SelfSubjectAccessReview",
  spec,
});

describe("discovery of the review resources", () => {
  it("lists authorization.k8s.io and authentication.k8s.io, create-only", async () => {
    const groups = await (await t.kube(sb.sandboxId, sb.sandboxToken, "/apis")).json();
    const names = groups.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(["authorization.k8s.io", "authentication.k8s.io"]));
    const authz = await (await t.kube(sb.sandboxId, sb.sandboxToken, "/apis/authorization.k8s.io/v1")).json();
    expect(authz.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "selfsubjectaccessreviews", verbs: ["create"], namespaced: false }),
        expect.objectContaining({ name: "selfsubjectrulesreviews", verbs: ["create"] }),
      ]),
    );
    const sa = await (await t.kube(sb.sandboxId, sb.sandboxToken, "/api/v1")).json();
    expect(sa.resources).toContainEqual(
      expect.objectContaining({ name: "serviceaccounts/token", kind: "TokenRequest", verbs: ["create"] }),
    );
  });
});

describe("SelfSubjectAccessReview", () => {
  it("allows a sandbox token everything, saying why, and stores nothing", async () => {
    const res = await post(
      sb.sandboxToken,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      ssar({ resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } }),
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      kind: "SelfSubjectAccessReview",
      metadata: { creationTimestamp: null },
      status: { allowed: true, reason: expect.stringContaining("cluster-admin") },
    });
    const nonResource = await post(
      sb.userToken,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      ssar({ nonResourceAttributes: { path: "/logs", verb: "get" } }),
    );
    expect((await nonResource.json()).status.allowed).toBe(true);
  });

  it("refuses a spec with neither or both kinds of attributes, with the API server's 422", async () => {
    const neither = await post(
      sb.sandboxToken,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      ssar({}),
    );
    expect(neither.status).toBe(422);
    expect(await neither.json()).toMatchObject({
      reason: "Invalid",
      message:
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
    const both = await post(
      sb.sandboxToken,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      ssar({ resourceAttributes: { verb: "get" }, nonResourceAttributes: { path: "/", verb: "get" } }),
    );
    expect(both.status).toBe(422);
    expect(
      (await t.kube(sb.sandboxId, sb.sandboxToken, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
        .status,
    ).toBe(405);
  });

  it("answers only for the sandbox the token is for", async () => {
    const res = await post(
      other.sandboxToken,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      ssar({ resourceAttributes: { verb: "get", resource: "pods" } }),
    );
    expect(res.status).toBe(403);
  });
});

describe("SelfSubjectRulesReview and SelfSubjectReview", () => {
  it("lists cluster-admin's rules and the default roles' for a namespace", async () => {
    const res = await post(sb.sandboxToken, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectRulesReview",
      spec: { namespace: "default" },
    });
    expect(res.status).toBe(201);
    const { status } = await res.json();
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules[0]).toEqual({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] });
    expect(status.nonResourceRules[0]).toEqual({ verbs: ["*"], nonResourceURLs: ["*"] });
    const missing = await post(sb.sandboxToken, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
      spec: {},
    });
    expect(missing.status).toBe(422);
  });

  it("says who a user's token is", async () => {
    const res = await post(sb.sandboxToken, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
    });
    expect(res.status).toBe(201);
    const { status } = await res.json();
    expect(status.userInfo.username).toMatch(/^reviews-.*@example\.com$/);
    expect(status.userInfo.groups).toEqual(["system:masters", "system:authenticated"]);
    expect(status.userInfo.extra["authentication.kubernetes.io/credential-id"][0]).toMatch(/^JTI=/);
  });
});

describe("TokenRequest", () => {
  const request = (sa: string, spec: unknown = {}, token = sb.sandboxToken) =>
    post(token, `/api/v1/namespaces/default/serviceaccounts/${sa}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec,
    });

  it("makes a token for the service account, usable against the sandbox as that account", async () => {
    const res = await request("default");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.spec).toEqual({
      audiences: ["https://kubernetes.default.svc.cluster.local"],
      expirationSeconds: 3600,
    });
    expect(body.metadata).toMatchObject({ name: "default", namespace: "default" });
    const expires = Date.parse(body.status.expirationTimestamp) - Date.now();
    expect(expires).toBeGreaterThan(3500_000);
    expect(expires).toBeLessThanOrEqual(3600_000);
    const token = body.status.token as string;
    const who = await post(token, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {});
    const { userInfo } = (await who.json()).status;
    expect(userInfo.username).toBe("system:serviceaccount:default:default");
    expect(userInfo.groups).toEqual([
      "system:serviceaccounts",
      "system:serviceaccounts:default",
      "system:authenticated",
    ]);
    expect((await t.kube(sb.sandboxId, token, "/api/v1/namespaces")).status).toBe(200);
    expect((await t.kube(other.sandboxId, token, "/api/v1/namespaces")).status).toBe(403);
  });

  it("stops working when its service account is deleted", async () => {
    await post(sb.sandboxToken, "/api/v1/namespaces/default/serviceaccounts", {
      metadata: { name: "robot" },
    });
    const token = (await (await request("robot")).json()).status.token as string;
    // A fresh token is looked up (not cached) on its first use: the account's uid is checked then.
    const del = await t.kube(
      sb.sandboxId,
      sb.sandboxToken,
      "/api/v1/namespaces/default/serviceaccounts/robot",
      {
        method: "DELETE",
      },
    );
    expect(del.status).toBe(200);
    expect((await t.kube(sb.sandboxId, token, "/api/v1/namespaces")).status).toBe(401);
  });

  it("makes a token for other audiences, which the sandbox does not take", async () => {
    const res = await request("default", { audiences: ["vault"] });
    const body = await res.json();
    expect(body.spec.audiences).toEqual(["vault"]);
    expect((await t.kube(sb.sandboxId, body.status.token, "/api/v1/namespaces")).status).toBe(401);
  });

  it("refuses what the API server refuses: a missing account, too short a duration, an unbindable kind", async () => {
    const missing = await request("nope");
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toBe('serviceaccounts "nope" not found');
    const short = await request("default", { expirationSeconds: 60 });
    expect(short.status).toBe(422);
    expect((await short.json()).message).toBe(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
    const unbindable = await request("default", {
      boundObjectRef: { apiVersion: "apps/v1", kind: "Deployment", name: "x" },
    });
    expect(unbindable.status).toBe(400);
    const unbound = await request("default", {
      boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "gone" },
    });
    expect(unbound.status).toBe(404);
  });
});
