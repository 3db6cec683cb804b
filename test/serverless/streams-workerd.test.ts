import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { suiteDatabaseUrl } from "../support/db.ts";
import {
  expectAttachedRun,
  expectExecEndedByRevocation,
  expectExecExitCodes,
  expectExecStdin,
  expectInteractiveShell,
} from "../support/kubectl-streams.ts";
import { type ServerlessService, startWorkerd } from "../support/serverless.ts";
import {
  type ServerlessClient,
  serverlessClient,
  testEmail,
  testPassword,
  upgradeTo,
} from "../support/serverless-client.ts";
import { kubectl, kubectlAt, kubectlPath } from "../support/service.ts";

const gcloud = "/usr/lib/google-cloud-sdk/bin";

// A pod's streams served by the Worker itself in workerd (miniflare): kubectl 1.32's exec, attach,
// cp and port-forward over WebSocket, answered with a 101 carrying one end of a WebSocketPair.
let service: ServerlessService;
let client: ServerlessClient;
let sb: Awaited<ReturnType<ServerlessClient["sandbox"]>>;
const children: ChildProcess[] = [];
const k = (...args: string[]) => kubectl(sb.path, args);

async function until(check: () => Promise<boolean>, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("condition not met in time");
}

const running = (pod: string) => async () =>
  (await k("get", "pod", pod, "--no-headers")).stdout.includes("Running");

beforeAll(async () => {
  service = await startWorkerd(suiteDatabaseUrl(), inject("kek"));
  client = serverlessClient(service);
  sb = await client.sandbox("wd-streams");
  expect((await k("create", "secret", "generic", "creds", "--from-literal=password=s3cr3t")).code).toBe(0);
  const manifest = join(service.dataDir, "web.yaml");
  await writeFile(
    manifest,
    `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 80}]
    volumeMounts: [{name: creds, mountPath: /etc/creds, readOnly: true}]
  volumes:
  - {name: creds, secret: {secretName: creds}}
`,
  );
  expect((await k("apply", "-f", manifest)).code).toBe(0);
  await until(running("web"));
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  if (service) expect(await service.stop()).toBe(0);
});

describe("kubectl exec against the Worker (WebSocket, v5 channels)", () => {
  it("runs a command, and carries its exit code through", () => expectExecExitCodes(k, "web"));

  it("reads a mounted secret's value", async () => {
    expect(await k("exec", "web", "--", "cat", "/etc/creds/password")).toMatchObject({
      code: 0,
      stdout: "s3cr3t",
    });
  });

  it("sends stdin to the command (exec -i)", () =>
    expectExecStdin(kubectlPath, sb.path, "web", "line one\nline two\n"));

  it("runs an interactive shell over a TTY (exec -it)", () =>
    expectInteractiveShell(kubectlPath, sb.path, "web"));

  it("copies files into and out of the pod (cp: tar through exec)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wd-cp-"));
    await writeFile(join(dir, "in.txt"), "copied in through workerd\n");
    expect(await k("cp", join(dir, "in.txt"), "web:/tmp/in.txt")).toMatchObject({ code: 0, stderr: "" });
    expect((await k("exec", "web", "--", "cat", "/tmp/in.txt")).stdout).toBe("copied in through workerd\n");
    const got = await k("cp", "web:/etc/creds/password", join(dir, "out.txt"));
    expect(got.code).toBe(0);
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("s3cr3t");
  });

  it("attaches to a shell that reads its stdin (run -i --rm)", () =>
    expectAttachedRun(kubectlPath, sb.path, "att"));
});

describe("kubectl port-forward against the Worker (WebSocket tunnelling SPDY)", () => {
  it("forwards a local port to nginx in the pod: a curl gets its page", async () => {
    const child = spawn(kubectlPath, ["port-forward", "pod/web", "18391:80"], {
      env: { ...process.env, KUBECONFIG: sb.path },
    });
    children.push(child);
    let output = "";
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`port-forward did not start: ${output}`)), 20_000);
      const seen = (chunk: Buffer) => {
        output += chunk;
        if (output.includes("Forwarding from 127.0.0.1")) {
          clearTimeout(timer);
          done();
        }
      };
      child.stdout.on("data", seen);
      child.stderr.on("data", seen);
      child.on("exit", () => fail(new Error(`port-forward exited: ${output}`)));
    });
    const page = await fetch("http://127.0.0.1:18391/");
    expect(page.status).toBe(200);
    expect(page.headers.get("server")).toMatch(/^nginx/);
    expect(await page.text()).toContain("<title>Welcome to nginx!</title>");
    child.kill("SIGINT");
  });
});

describe("the gate of a pod's streams, before any upgrade", () => {
  const exec = (pod: string) =>
    `/sandboxes/${sb.id}/api/v1/namespaces/default/pods/${pod}/exec?command=true&stdout=true`;

  it("upgrades a request the token may make with the best channel protocol offered, echoed back: v5, else v4", async () => {
    const hostname = `/sandboxes/${sb.id}/api/v1/namespaces/default/pods/web/exec?command=cat&command=/etc/hostname&stdout=true`;
    for (const [offered, chosen] of [
      [["v5.channel.k8s.io", "v4.channel.k8s.io"], "v5.channel.k8s.io"],
      [["v4.channel.k8s.io", "v3.channel.k8s.io"], "v4.channel.k8s.io"],
    ] as const) {
      const session = await upgradeTo(service, hostname, sb.token, [...offered]);
      expect(session).toMatchObject({ status: 101, protocol: chosen });
      // The output on stdout (1), then the command's end as a Status on the error channel (3).
      expect(session.frames).toEqual([
        [1, "web\n"],
        [3, JSON.stringify({ metadata: {}, status: "Success" })],
      ]);
    }
  });

  it("answers a missing pod with the API server's 404 Status", async () => {
    const missing = await upgradeTo(service, exec("nope"), sb.token, ["v5.channel.k8s.io"]);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ reason: "NotFound", message: 'pods "nope" not found' });
  });

  it("answers no token with 401", async () => {
    expect((await upgradeTo(service, exec("web"), "", ["v5.channel.k8s.io"])).status).toBe(401);
  });

  it("refuses a read-only token's exec (an instructor's view of a student's sandbox) with 403", async () => {
    const instructor = await client.graphql(
      `mutation($e:String!,$p:String!){signUp(email:$e,password:$p){token}}`,
      { e: testEmail("wd-instructor"), p: testPassword },
    );
    const teacher = instructor.data.signUp.token as string;
    const classroom = await client.graphql(
      `mutation{createClassroom(name:"streams",seats:2){joinCode}}`,
      {},
      teacher,
    );
    expect(classroom.errors).toBeUndefined();
    const student = await client.sandbox("wd-student");
    const joined = await client.graphql(
      `mutation($c:String!){joinClassroom(code:$c){id kubeconfig}}`,
      { c: classroom.data.createClassroom.joinCode },
      student.userToken,
    );
    expect(joined.errors).toBeUndefined();
    const studentPath = join(service.dataDir, "kubeconfig-wd-student-class");
    await writeFile(studentPath, joined.data.joinClassroom.kubeconfig);
    expect((await kubectl(studentPath, ["run", "web", "--image=nginx"])).code).toBe(0);
    const view = await client.graphql(
      `query($s:ID!){sandbox(id:$s){access kubeconfig}}`,
      { s: joined.data.joinClassroom.id },
      teacher,
    );
    expect(view.data.sandbox.access).toBe("READ_ONLY");
    const readOnlyPath = join(service.dataDir, "kubeconfig-wd-read-only");
    await writeFile(readOnlyPath, view.data.sandbox.kubeconfig);
    const refused = await kubectl(readOnlyPath, ["exec", "web", "--", "true"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Error from server (Forbidden)");
    expect(refused.stderr).toContain('cannot create resource "pods/exec"');
    const readOnlyToken = /token: (\S+)/.exec(view.data.sandbox.kubeconfig as string)?.[1] ?? "";
    const raw = await upgradeTo(
      service,
      `/sandboxes/${joined.data.joinClassroom.id}/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true`,
      readOnlyToken,
      ["v5.channel.k8s.io"],
    );
    expect(raw.status).toBe(403);
  });

  it("answers kubectl before 1.30 (SPDY/3.1, which a Worker cannot be handed) as the API server answers a stream it does not upgrade", async () => {
    const old = await kubectl(sb.path, ["exec", "web", "--", "true"]);
    expect(old.code).toBe(0);
    const spdy = await kubectlAt(`${gcloud}/kubectl.1.29`, sb.path, ["exec", "web", "--", "true"]);
    expect(spdy.code).toBe(1);
    expect(spdy.stderr).toContain("Error from server (BadRequest): Upgrade request required");
  });
});

describe("revocation ends what is open", () => {
  it("ends an open exec session when its kubeconfig is revoked", async () => {
    const issued = await client.graphql(
      `mutation($s:ID!){issueKubeconfig(sandboxId:$s,label:"exec"){token{id} kubeconfig}}`,
      { s: sb.id },
      sb.userToken,
    );
    expect(issued.errors).toBeUndefined();
    const path = join(service.dataDir, "kubeconfig-wd-exec-revoked");
    await writeFile(path, issued.data.issueKubeconfig.kubeconfig);
    const revoke = () =>
      client.graphql(
        `mutation($t:ID!){revokeKubeconfig(tokenId:$t)}`,
        { t: issued.data.issueKubeconfig.token.id },
        sb.userToken,
      );
    // No notice reaches workerd: the session sees the revocation when it next checks its access.
    await expectExecEndedByRevocation(kubectlPath, path, "web", revoke, 10_000);
  });

  it("delivers a sandbox's changes over graphql-ws, and completes the subscription when the login token is revoked", async () => {
    const owner = await client.sandbox("wd-graphql-ws");
    const ca = service.caPem;
    class TrustingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ca });
      }
    }
    const ws = createClient({
      url: `${service.https.replace(/^https/, "wss")}/graphql`,
      webSocketImpl: TrustingWebSocket,
      connectionParams: { authorization: `Bearer ${owner.userToken}` },
      retryAttempts: 0,
    });
    const got: any[] = [];
    let ended: { error?: unknown } | null = null;
    ws.subscribe(
      {
        query: `subscription($s:ID!){sandboxChanges(sandboxId:$s){type object{kind name}}}`,
        variables: { s: owner.id },
      },
      {
        next: (v) => got.push(v),
        error: (error) => {
          ended = { error };
        },
        complete: () => {
          ended = {};
        },
      },
    );
    const until = async (check: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return check();
    };
    await new Promise((r) => setTimeout(r, 1_000));
    const applied = await client.graphql(
      `mutation($s:ID!,$m:String!){applyManifest(sandboxId:$s,manifest:$m){ok}}`,
      { s: owner.id, m: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: over-ws}\n" },
      owner.userToken,
    );
    expect(applied.errors).toBeUndefined();
    expect(await until(() => got.length > 0, 10_000)).toBe(true);
    expect(got[0].data.sandboxChanges).toEqual({
      type: "ADDED",
      object: { kind: "ConfigMap", name: "over-ws" },
    });
    expect(ended).toBeNull();
    await client.graphql(`mutation{logOut}`, {}, owner.userToken);
    // No notice reaches workerd: the subscription sees the revocation when it next checks.
    expect(await until(() => ended !== null, 5_000)).toBe(true);
    await ws.dispose();
  });
});
