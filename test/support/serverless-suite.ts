import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testApp } from "./app.ts";
import { suiteDatabaseUrl } from "./db.ts";
import type { ServerlessService } from "./serverless.ts";
import { type ServerlessClient, serverlessClient, testEmail, testPassword } from "./serverless-client.ts";
import { kubectl, kubectlPath, tutorialManifests } from "./service.ts";
import type { TlsFetch } from "./tls-fetch.ts";
import { readWatch } from "./watch-stream.ts";

/**
 * The tests every serverless runtime passes (test/serverless/*.test.ts): the app started once per
 * file by `start` on the suite's Postgres, with `npm run worker` beside it, reached over https as
 * kubectl and browsers reach it — accounts, the Kubernetes API, watches, and kubectl's tutorial.
 */
export function serverlessSuite(
  runtime: string,
  start: (databaseUrl: string, kek: string) => Promise<ServerlessService>,
) {
  let service: ServerlessService;
  let client: ServerlessClient;
  const node = testApp();

  beforeAll(async () => {
    service = await start(suiteDatabaseUrl(), inject("kek"));
    client = serverlessClient(service);
  });
  afterAll(async () => {
    if (service) expect(await service.stop()).toBe(0);
  });

  const graphql: ServerlessClient["graphql"] = (...args) => client.graphql(...args);
  const fetchTls: TlsFetch = (...args) => client.fetch(...args);
  const workerSandbox = (name: string) => client.sandbox(name);
  const password = testPassword;
  const email = testEmail;

  describe(`the app in ${runtime}`, () => {
    it("signs up, logs in and makes a sandbox whose kubeconfig names the https address and its CA", async () => {
      const sb = await workerSandbox("wd-accounts");
      expect(sb.kubeconfig).toContain(`server: ${service.https}/sandboxes/${sb.id}`);
      expect(sb.kubeconfig).toContain(
        `certificate-authority-data: ${Buffer.from(service.caPem).toString("base64")}`,
      );
      const wrong = await graphql(
        `mutation{logIn(email:"nobody@example.com",password:"nope-nope-nope"){token}}`,
      );
      expect(wrong.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("logs in a user whose password the Node server hashed (native argon2, verified in WebAssembly)", async () => {
      const address = email("wd-node-user");
      const up = await node.gql(`mutation($e:String!,$p:String!){signUp(email:$e,password:$p){token}}`, {
        e: address,
        p: password,
      });
      expect(up.errors).toBeUndefined();
      const login = await graphql(`mutation($e:String!,$p:String!){logIn(email:$e,password:$p){token}}`, {
        e: address,
        p: password,
      });
      expect(login.errors).toBeUndefined();
      expect(login.data.logIn.token).toMatch(/^ey/);
      const bad = await graphql(`mutation($e:String!){logIn(email:$e,password:"correct-horse-8"){token}}`, {
        e: address,
      });
      expect(bad.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("serves the Kubernetes API over the TLS front: create, get, a Status for what is missing, 401 without a token", async () => {
      const sb = await workerSandbox("wd-kube");
      const api = `${service.https}/sandboxes/${sb.id}/api/v1/namespaces/default/pods`;
      const auth = { authorization: `Bearer ${sb.token}` };
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web" },
        spec: { containers: [{ name: "web", image: "nginx" }] },
      };
      const created = await fetchTls(api, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(pod),
      });
      expect(created.status).toBe(201);
      const got = await fetchTls(`${api}/web`, { headers: auth });
      expect(got.status).toBe(200);
      expect((await got.json()).metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      const missing = await fetchTls(`${api}/nope`, { headers: auth });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
      const anonymous = await fetchTls(`${api}/web`);
      expect(anonymous.status).toBe(401);
    });

    it("streams a watch as events come (no compression), woken by the polling feed", async () => {
      const sb = await workerSandbox("wd-watch");
      const api = `${service.https}/sandboxes/${sb.id}/api/v1/namespaces/default/configmaps`;
      const auth = { authorization: `Bearer ${sb.token}` };
      const res = await fetchTls(`${api}?watch=1&labelSelector=made-by%3Dtest`, {
        headers: { ...auth, "accept-encoding": "gzip" },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-encoding")).toBe("identity");
      const watch = readWatch(res);
      const create = (name: string) =>
        fetchTls(api, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name, labels: { "made-by": "test" } },
            data: { a: "b" },
          }),
        });
      expect((await create("one")).status).toBe(201);
      expect(await watch.waitFor(1, 10_000)).toBe(true);
      expect((await create("two")).status).toBe(201);
      expect(await watch.waitFor(2, 10_000)).toBe(true);
      expect(watch.events.map((e) => [e.type, e.object.metadata.name])).toEqual([
        ["ADDED", "one"],
        ["ADDED", "two"],
      ]);
      await watch.cancel();
    });

    it("ends an open watch when its sandbox is deleted, though no notice reaches it", async () => {
      const sb = await workerSandbox("wd-revoke");
      const res = await fetchTls(
        `${service.https}/sandboxes/${sb.id}/api/v1/namespaces/default/pods?watch=1`,
        {
          headers: { authorization: `Bearer ${sb.token}` },
        },
      );
      const watch = readWatch(res);
      const gone = await graphql(`mutation($id:ID!){deleteSandbox(id:$id)}`, { id: sb.id }, sb.userToken);
      expect(gone.errors).toBeUndefined();
      await watch.ended;
      expect(watch.done()).toBe(true);
    });

    it("ends an open watch when its kubeconfig is revoked, and refuses the token after", async () => {
      const sb = await workerSandbox("wd-revoke-token");
      const issued = await graphql(
        `mutation($s:ID!){issueKubeconfig(sandboxId:$s,label:"lab"){token{id} kubeconfig}}`,
        { s: sb.id },
        sb.userToken,
      );
      expect(issued.errors).toBeUndefined();
      const token = /token: (\S+)/.exec(issued.data.issueKubeconfig.kubeconfig as string)?.[1] ?? "";
      const url = `${service.https}/sandboxes/${sb.id}/api/v1/namespaces/default/pods`;
      const res = await fetchTls(`${url}?watch=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const watch = readWatch(res);
      const revoked = await graphql(
        `mutation($t:ID!){revokeKubeconfig(tokenId:$t)}`,
        { t: issued.data.issueKubeconfig.token.id },
        sb.userToken,
      );
      expect(revoked.errors).toBeUndefined();
      // No notice reaches this runtime: the watch sees the revocation when it next checks access.
      await watch.ended;
      expect(watch.done()).toBe(true);
      expect((await fetchTls(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    });
  });

  describe(`kubectl against the app in ${runtime}`, () => {
    it("gets nodes, applies the tutorial's RC, watches its pods run, and deletes it", async () => {
      const sb = await workerSandbox("wd-kubectl");
      const nodes = await kubectl(sb.path, ["get", "nodes"]);
      expect(nodes.stderr).toBe("");
      expect(nodes.stdout).toMatch(/Ready/);
      const applied = await kubectl(sb.path, ["apply", "-f", join(tutorialManifests, "rc.yaml")]);
      expect(applied).toMatchObject({ code: 0, stdout: "replicationcontroller/nginx created\n" });

      // `kubectl get -w` streams until the three pods show Running; then it is stopped, as a user would.
      const watcher = spawn(kubectlPath, ["get", "pods", "-l", "app=nginx", "-w"], {
        env: { ...process.env, KUBECONFIG: sb.path },
      });
      let out = "";
      watcher.stdout.on("data", (d) => (out += d));
      watcher.stderr.on("data", (d) => (out += d));
      const running = () =>
        new Set([...out.matchAll(/^(nginx-\w+)\s+1\/1\s+Running/gm)].map((m) => m[1])).size;
      const deadline = Date.now() + 45_000;
      while (running() < 3 && Date.now() < deadline && watcher.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      watcher.kill("SIGINT");
      expect(running(), out).toBe(3);

      // kubectl sends typed creates as protobuf: decoded without generated code (workerd refuses it).
      const namespace = await kubectl(sb.path, ["create", "namespace", "tutorial"]);
      expect(namespace).toMatchObject({ code: 0, stdout: "namespace/tutorial created\n" });
      const secret = await kubectl(sb.path, [
        "create",
        "secret",
        "generic",
        "s",
        "--from-literal=a=b",
        "-n",
        "tutorial",
      ]);
      expect(secret).toMatchObject({ code: 0, stdout: "secret/s created\n" });
      const read = await kubectl(sb.path, [
        "get",
        "secret",
        "s",
        "-n",
        "tutorial",
        "-o",
        "jsonpath={.data.a}",
      ]);
      expect(read.stdout).toBe(Buffer.from("b").toString("base64"));

      const deleted = await kubectl(sb.path, ["delete", "rc", "nginx"]);
      expect(deleted).toMatchObject({ code: 0, stdout: 'replicationcontroller "nginx" deleted\n' });
      const gone = await kubectl(sb.path, ["get", "rc", "nginx"]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('replicationcontrollers "nginx" not found');
    });
  });
}
