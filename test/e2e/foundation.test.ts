import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../db/embedded.ts";
import { suiteDatabaseUrl } from "../support/db.ts";
import {
  graphql,
  kubectl,
  kubectlPath,
  removeDataDir,
  type Service,
  sandboxKubeconfig,
  startService,
} from "../support/service.ts";

let service: Service;
let a: Awaited<ReturnType<typeof sandboxKubeconfig>>;
let b: Awaited<ReturnType<typeof sandboxKubeconfig>>;
const k = (...args: string[]) => kubectl(a.path, args);

beforeAll(async () => {
  service = await startService(suiteDatabaseUrl());
  a = await sandboxKubeconfig(service, "found-a");
  b = await sandboxKubeconfig(service, "found-b");
});

afterAll(async () => {
  const code = await service?.stop();
  expect(code).toBe(0);
  await removeDataDir(service.dataDir);
});

describe("the real kubectl against a sandbox", () => {
  it("gets three Ready nodes with the real columns", async () => {
    const r = await k("get", "nodes");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1)).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line).toMatch(/^node-\d\s+Ready\s+<none>\s+\d+s\s+v1\.32\.0$/);
    const wide = await k("get", "nodes", "-o", "wide");
    expect(wide.stdout.split("\n")[0]).toMatch(
      /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/,
    );
  });

  it("reports server version 1.32", async () => {
    expect((await k("version")).stdout).toMatch(/Server Version: v1\.32\.0/);
  });

  it("lists the system namespaces", async () => {
    const r = await k("get", "namespaces");
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"])
      expect(r.stdout).toMatch(new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, "m"));
  });

  it("creates a namespace from the tutorial's YAML and from JSON, and refuses it twice", async () => {
    const yamlFile = join(service.dataDir, "newnamespace.yaml");
    await writeFile(yamlFile, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: new-namespace\n");
    expect((await k("create", "-f", yamlFile)).stdout.trim()).toBe("namespace/new-namespace created");
    const jsonFile = join(service.dataDir, "ns.json");
    await writeFile(
      jsonFile,
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "from-json" } }),
    );
    expect((await k("create", "-f", jsonFile)).stdout.trim()).toBe("namespace/from-json created");
    const again = await k("create", "-f", yamlFile);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `Error from server (AlreadyExists): error when creating "${yamlFile}": namespaces "new-namespace" already exists`,
    );
    expect((await k("get", "namespaces")).stdout).toMatch(/^new-namespace\s+Active\s+\d+s$/m);
  });

  it("shows a namespace as YAML, JSON and with describe", async () => {
    const yaml = await k("get", "ns", "new-namespace", "-o", "yaml");
    expect(yaml.stdout).toMatch(/^kind: Namespace$/m);
    expect(yaml.stdout).toMatch(/^ {2}uid: [0-9a-f-]{36}$/m);
    const json = JSON.parse((await k("get", "ns", "new-namespace", "-o", "json")).stdout);
    expect(json.status.phase).toBe("Active");
    expect(Number(json.metadata.resourceVersion)).toBeGreaterThan(0);
    const d = await k("describe", "namespace", "new-namespace");
    expect(d.stdout).toMatch(/^Name:\s+new-namespace$/m);
    expect(d.stdout).toMatch(/^Status:\s+Active$/m);
  });

  it("answers a bad name and a missing namespace with the real messages", async () => {
    const file = join(service.dataDir, "bad.yaml");
    await writeFile(file, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bad_Name\n");
    const r = await k("create", "-f", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label',
    );
    const imperative = await k("create", "namespace", "Bad_Name");
    expect(imperative.stderr).toContain(
      'The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
    const missing = await k("get", "namespace", "nope");
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): namespaces "nope" not found');
  });

  it("creates namespaces and service accounts imperatively (kubectl sends protobuf)", async () => {
    expect((await k("create", "namespace", "imperative")).stdout.trim()).toBe("namespace/imperative created");
    expect((await k("create", "serviceaccount", "robot", "-n", "imperative")).stdout.trim()).toBe(
      "serviceaccount/robot created",
    );
    expect((await k("get", "sa", "-n", "imperative")).stdout).toMatch(/^robot\s+0\s+\d+s$/m);
  });

  it("applies a namespace manifest (create, unchanged, configured) and edits it", async () => {
    const file = join(service.dataDir, "applied.yaml");
    const manifest = (team: string) =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: applied\n  labels:\n    team: ${team}\n`;
    await writeFile(file, manifest("a"));
    expect((await k("apply", "-f", file)).stdout.trim()).toBe("namespace/applied created");
    expect((await k("apply", "-f", file)).stdout.trim()).toBe("namespace/applied unchanged");
    await writeFile(file, manifest("b"));
    expect((await k("apply", "-f", file)).stdout.trim()).toBe("namespace/applied configured");
    expect((await k("get", "ns", "applied", "-o", "jsonpath={.metadata.labels.team}")).stdout).toBe("b");
    const edited = await kubectl(a.path, ["edit", "ns", "applied"], {
      EDITOR: "sed -i s/team:\\ b/team:\\ c/",
    });
    expect(edited.stdout.trim()).toBe("namespace/applied edited");
    expect((await k("get", "ns", "applied", "-o", "jsonpath={.metadata.labels.team}")).stdout).toBe("c");
  });

  it("labels a namespace and selects it", async () => {
    expect((await k("label", "namespace", "from-json", "team=blue")).stdout.trim()).toBe(
      "namespace/from-json labeled",
    );
    const r = await k("get", "ns", "-l", "team=blue", "--show-labels");
    expect(r.stdout).toMatch(
      /^from-json\s+Active\s+\d+s\s+kubernetes\.io\/metadata\.name=from-json,team=blue$/m,
    );
  });

  it("deletes a namespace and waits until it is gone", async () => {
    const r = await k("delete", "namespace", "new-namespace");
    expect(r.stdout.trim()).toBe('namespace "new-namespace" deleted');
    expect((await k("get", "namespace", "new-namespace")).stderr).toMatch(/NotFound/);
    const refused = await k("delete", "namespace", "kube-system");
    expect(refused.stderr.trim()).toBe(
      'Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted',
    );
  });

  it("keeps sandboxes apart: B's token is refused on A's sandbox", async () => {
    const tokenB = (
      await kubectl(b.path, ["config", "view", "--raw", "--minify", "-o", "jsonpath={.users[0].user.token}"])
    ).stdout;
    const r = await k("--token", tokenB, "get", "namespaces");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Forbidden/);
    expect(r.stdout).toBe("");
  });

  it("answers without a token with 401 over https", async () => {
    const server = (await k("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"))
      .stdout;
    expect(server).toBe(`${service.https}/sandboxes/${a.id}`);
    const r = await kubectl(b.path, [
      "--server",
      server,
      "--token",
      "not.a.jwt",
      "--insecure-skip-tls-verify",
      "get",
      "ns",
    ]);
    expect(r.stderr).toMatch(/You must be logged in to the server|Unauthorized/);
  });

  it("serves the Kubernetes API on the TLS listener only: plain http takes no token", async () => {
    const token = (
      await kubectl(a.path, ["config", "view", "--raw", "--minify", "-o", "jsonpath={.users[0].user.token}"])
    ).stdout;
    const overHttp = await fetch(`${service.http}/sandboxes/${a.id}/api/v1/namespaces`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(overHttp.status).toBe(403);
    expect(await overHttp.json()).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      message: "the Kubernetes API is served over https only: use the server your kubeconfig names",
    });
    for (const path of ["/api", "/version", "/apis/apps/v1"])
      expect(
        (await fetch(`${service.http}${path}`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(403);
    // Plain http keeps GraphQL, health and metrics.
    for (const path of ["/healthz", "/readyz", "/metrics"])
      expect((await fetch(`${service.http}${path}`)).status).toBe(200);
    // Over https, the same request is served.
    expect((await k("get", "--raw", "/api/v1/namespaces")).code).toBe(0);
  });
});

describe("kubectl proxy", () => {
  it("proxies REST and version to the sandbox (it drops the server path; the token names the sandbox)", async () => {
    const port = await freePort();
    const proxy = spawn(kubectlPath, ["proxy", `--port=${port}`], {
      env: { ...process.env, KUBECONFIG: a.path },
    });
    try {
      let body = "";
      for (let i = 0; i < 50 && !body.includes("kube-system"); i++) {
        await new Promise((r) => setTimeout(r, 100));
        body = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces`).then(
          (r) => r.text(),
          () => "",
        );
      }
      expect(JSON.parse(body).items.map((n: { metadata: { name: string } }) => n.metadata.name)).toContain(
        "kube-system",
      );
      const version = await (await fetch(`http://127.0.0.1:${port}/version`)).json();
      expect(version.minor).toBe("32");
    } finally {
      proxy.kill();
    }
  });
});

describe("GraphQL on the running service", () => {
  it("logs in with the password given at sign-up", async () => {
    const email = `login-${Date.now()}@example.com`;
    await graphql(service.http, `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`, {
      e: email,
    });
    const r = await graphql(
      service.http,
      `mutation($e:String!){logIn(email:$e,password:"correct-horse-9"){user{email}}}`,
      { e: email },
    );
    expect(r.data.logIn.user.email).toBe(email);
  });
});
