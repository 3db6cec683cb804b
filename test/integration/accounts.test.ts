import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { testApp } from "../support/app.ts";

const t = testApp();
const signUp = `mutation($e:String!,$p:String!){signUp(email:$e,password:$p){token user{id email}}}`;
const logIn = `mutation($e:String!,$p:String!){logIn(email:$e,password:$p){token user{id email}}}`;

describe("accounts", () => {
  it("signs up, logs in, and makes no second account with the same email", async () => {
    const email = `Person-${Date.now()}@Example.com`;
    const up = await t.gql(signUp, { e: email, p: "correct-horse-9" });
    expect(up.data.signUp.user.email).toBe(email.toLowerCase());
    expect(up.data.signUp.token.split(".")).toHaveLength(3);
    // A taken email is not called taken: signing up with it is logging in to it.
    const again = await t.gql(signUp, { e: email, p: "another-password" });
    const wrongLogIn = await t.gql(logIn, { e: email, p: "another-password" });
    expect(again.errors).toEqual(wrongLogIn.errors?.map((e) => ({ ...e, path: ["signUp"] })));
    const same = await t.gql(signUp, { e: email.toUpperCase(), p: "correct-horse-9" });
    expect(same.data.signUp.user).toEqual(up.data.signUp.user);
    expect(same.data.signUp.token).not.toBe(up.data.signUp.token);
    const [count] = await t.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM users WHERE email = ${email.toLowerCase()}`;
    expect(count?.n).toBe(1);
    const ok = await t.gql(logIn, { e: email, p: "correct-horse-9" });
    expect(ok.data.logIn.user.id).toBe(up.data.signUp.user.id);
    const bad = await t.gql(logIn, { e: email, p: "wrong-password" });
    expect(bad.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
    const unknown = await t.gql(logIn, { e: "nobody@example.com", p: "wrong-password" });
    expect(unknown.errors?.[0].message).toBe(bad.errors?.[0].message);
  });

  it("revokes a token on logOut", async () => {
    const email = `out-${Date.now()}@example.com`;
    const up = await t.gql(signUp, { e: email, p: "correct-horse-9" });
    const token = up.data.signUp.token;
    expect((await t.gql("{me{email}}", {}, token)).data.me.email).toBe(email);
    expect((await t.gql("mutation{logOut}", {}, token)).data.logOut).toBe(true);
    expect((await t.gql("{me{email}}", {}, token)).data.me).toBeNull();
    const after = await t.gql("{sandboxes{id}}", {}, token);
    expect(after.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("rejects a token signed with another key or for another audience", async () => {
    const { sandboxToken } = await t.newSandbox("aud");
    expect((await t.gql("{me{email}}", {}, sandboxToken)).data.me).toBeNull();
    const forged = `${sandboxToken.split(".").slice(0, 2).join(".")}.AAAA`;
    expect((await t.gql("{me{email}}", {}, forged)).data.me).toBeNull();
  });

  it("rejects bad input with BAD_USER_INPUT", async () => {
    const r1 = await t.gql(signUp, { e: "not-an-email", p: "correct-horse-9" });
    expect(r1.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
    const r2 = await t.gql(signUp, { e: "short@example.com", p: "short" });
    expect(r2.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("stores only an argon2id hash of the password", async () => {
    const email = `hash-${Date.now()}@example.com`;
    await t.gql(signUp, { e: email, p: "correct-horse-9" });
    const [row] = await t.database.sql`SELECT password_hash FROM users WHERE email = ${email}`;
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    expect(row?.password_hash).not.toContain("correct-horse-9");
  });
});

describe("sandboxes", () => {
  it("needs a signed-in user", async () => {
    const r = await t.gql(`mutation{createSandbox(name:"x"){id}}`);
    expect(r.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("creates, lists, reads and deletes a sandbox with a complete kubeconfig", async () => {
    const { userToken, sandboxId, kubeconfig, sandboxToken } = await t.newSandbox("demo");
    const config = parse(kubeconfig);
    expect(config.kind).toBe("Config");
    expect(config.clusters[0].cluster.server).toBe(`https://127.0.0.1:1/sandboxes/${sandboxId}`);
    expect(
      Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
    ).toContain("BEGIN CERTIFICATE");
    expect(config.contexts[0].context.namespace).toBe("default");
    expect(config["current-context"]).toBe(config.contexts[0].name);

    const list = await t.gql(`{sandboxes{id name server createdAt}}`, {}, userToken);
    expect(list.data.sandboxes).toHaveLength(1);
    expect(list.data.sandboxes[0]).toMatchObject({ id: sandboxId, name: "demo" });
    const one = await t.gql(`query($id:ID!){sandbox(id:$id){id kubeconfig}}`, { id: sandboxId }, userToken);
    expect(one.data.sandbox.kubeconfig).toBe(kubeconfig);

    const dup = await t.gql(`mutation{createSandbox(name:"demo"){id}}`, {}, userToken);
    expect(dup.errors?.[0].extensions.code).toBe("CONFLICT");
    // Refused whole: no second sandbox, and nothing of its cluster or token left behind (a deleted
    // sandbox's tokens stay, revoked: other files delete sandboxes meanwhile).
    expect((await t.gql(`{sandboxes{id}}`, {}, userToken)).data.sandboxes).toHaveLength(1);
    const [orphans] = await t.database.sql<{ objects: number; tokens: number }[]>`
      SELECT (SELECT count(*)::int FROM objects o WHERE NOT EXISTS (SELECT 1 FROM sandboxes s WHERE s.id = o.sandbox_id)) AS objects,
             (SELECT count(*)::int FROM tokens k WHERE k.sandbox_id IS NOT NULL AND k.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM sandboxes s WHERE s.id = k.sandbox_id)) AS tokens`;
    expect(orphans).toEqual({ objects: 0, tokens: 0 });
    const badName = await t.gql(`mutation{createSandbox(name:"Not A Name"){id}}`, {}, userToken);
    expect(badName.errors?.[0].extensions.code).toBe("BAD_USER_INPUT");

    expect((await t.kube(sandboxId, sandboxToken, "/api/v1/nodes")).status).toBe(200);
    const del = await t.gql(`mutation($id:ID!){deleteSandbox(id:$id)}`, { id: sandboxId }, userToken);
    expect(del.data.deleteSandbox).toBe(true);
    expect((await t.kube(sandboxId, sandboxToken, "/api/v1/nodes")).status).toBe(401);
    const [{ count }] = (await t.database
      .sql`SELECT count(*)::int AS count FROM objects WHERE sandbox_id = ${sandboxId}`) as never as [
      { count: number },
    ];
    expect(count).toBe(0);
  });

  it("stops a token revoked by another process within moments, though it was just allowed", async () => {
    const { sandboxId, sandboxToken } = await t.newSandbox("revoked-elsewhere");
    expect((await t.kube(sandboxId, sandboxToken, "/api/v1/nodes")).status).toBe(200);
    // What another process's revocation sends: the update and its notice, nothing in this one.
    await t.database.sql`
      WITH r AS (UPDATE tokens SET revoked_at = now() WHERE sandbox_id = ${sandboxId} RETURNING id)
      SELECT pg_notify('kubesandbox_access', 'token:' || id) FROM r`;
    let status = 0;
    for (let i = 0; i < 40 && status !== 401; i++) {
      status = (await t.kube(sandboxId, sandboxToken, "/api/v1/nodes")).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it("does not show one user's sandbox to another", async () => {
    const a = await t.newSandbox("mine");
    const b = await t.newSandbox("theirs");
    const r = await t.gql(`query($id:ID!){sandbox(id:$id){id}}`, { id: a.sandboxId }, b.userToken);
    expect(r.data.sandbox).toBeNull();
    const del = await t.gql(`mutation($id:ID!){deleteSandbox(id:$id)}`, { id: a.sandboxId }, b.userToken);
    expect(del.errors?.[0].extensions.code).toBe("NOT_FOUND");
  });
});
