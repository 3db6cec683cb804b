import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectAttachedRun,
  expectExecExitCodes,
  expectExecStdin,
  expectInteractiveShell,
  kubectlWithInput,
} from "../support/kubectl-streams.ts";
import { debianKubectlPath, graphql, kubectlAt, readOnlyKubeconfig, useSandbox } from "../support/service.ts";

// kubectl before 1.30 (exec, attach, cp) and 1.31 (port-forward) speaks SPDY/3.1 over a plain
// HTTP upgrade, never WebSocket: these drive the real old binaries against the server.
const cluster = useSandbox("spdy-streams");
const gcloud = "/usr/lib/google-cloud-sdk/bin";
const debian = debianKubectlPath;
const children: ChildProcess[] = [];
const run = promisify(execFile);

afterAll(() => {
  for (const child of children) child.kill("SIGINT");
});

async function until(check: () => Promise<boolean>, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("condition not met in time");
}

/** Runs a kubectl binary with `input` on its stdin; its exit code and output. */
const withInput = (binary: string, args: string[], input: string, viaScript = false) =>
  kubectlWithInput(binary, cluster.sandbox.path, args, input, viaScript);

/** Starts `kubectl port-forward`; resolves once it says it forwards. */
function portForward(binary: string, args: string[]): Promise<() => string> {
  const child = spawn(binary, ["port-forward", ...args], {
    env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
  });
  children.push(child);
  let output = "";
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`port-forward did not start: ${output}`)), 30_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Forwarding from 127.0.0.1")) {
        clearTimeout(timer);
        done(() => output);
      }
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", () => fail(new Error(`port-forward exited: ${output}`)));
  });
}

beforeAll(async () => {
  const k = cluster.kubectl;
  expect((await k("run", "web", "--image=nginx", "--port=80")).code).toBe(0);
  await until(async () => (await k("get", "pod", "web", "--no-headers")).stdout.includes("Running"));
});

for (const { minor, binary, pfPort } of [
  { minor: 27, binary: `${gcloud}/kubectl.1.27`, pfPort: 18165 },
  { minor: 28, binary: `${gcloud}/kubectl.1.28`, pfPort: 18168 },
  { minor: 29, binary: `${gcloud}/kubectl.1.29`, pfPort: 18166 },
]) {
  describe(`kubectl 1.${minor} over SPDY/3.1`, () => {
    const k = (...args: string[]) => kubectlAt(binary, cluster.sandbox.path, args);

    it("is the version it says", async () => {
      expect((await k("version", "--client", "-o", "json")).stdout).toContain(`"minor": "${minor}"`);
    });

    it("execs a command, and carries its exit code through", () => expectExecExitCodes(k, "web"));

    it("sends stdin to the command (exec -i)", () =>
      expectExecStdin(binary, cluster.sandbox.path, "web", `line one\nline two 1.${minor}\n`));

    it("copies files into and out of a pod (cp)", async () => {
      const dir = await mkdtemp(join(tmpdir(), `spdy-cp-${minor}-`));
      await writeFile(join(dir, "in.txt"), `copied in by 1.${minor}\n`);
      const put = await k("cp", join(dir, "in.txt"), `web:/tmp/in-${minor}.txt`);
      expect(put).toMatchObject({ code: 0, stderr: "" });
      expect((await k("exec", "web", "--", "cat", `/tmp/in-${minor}.txt`)).stdout).toBe(
        `copied in by 1.${minor}\n`,
      );
      const got = await k("cp", `web:/tmp/in-${minor}.txt`, join(dir, "out.txt"));
      expect(got.code).toBe(0);
      expect(await readFile(join(dir, "out.txt"), "utf8")).toBe(`copied in by 1.${minor}\n`);
    });

    it("runs an interactive shell over a TTY (exec -it), with the resize stream open", () =>
      expectInteractiveShell(binary, cluster.sandbox.path, "web"));

    it("attaches to a shell that reads its stdin (run -i --rm)", () =>
      expectAttachedRun(binary, cluster.sandbox.path, `att-${minor}`));

    it("answers a missing pod with the API server's NotFound", async () => {
      const missing = await k("exec", "nope", "--", "true");
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('pods "nope" not found');
    });

    it("forwards a host port to nginx in the pod (port-forward)", async () => {
      const output = await portForward(binary, ["pod/web", `${pfPort}:80`]);
      expect(output()).toContain(`Forwarding from 127.0.0.1:${pfPort} -> 80`);
      const page = await fetch(`http://127.0.0.1:${pfPort}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>Welcome to nginx!</title>");
      const again = await fetch(`http://127.0.0.1:${pfPort}/missing`);
      expect(again.status).toBe(404);
      await again.text();
      expect(output()).toContain(`Handling connection for ${pfPort}`);
    });
  });
}

describe("kubectl 1.30 port-forward (WebSocket exec, but port-forward still over SPDY/3.1)", () => {
  it("forwards a host port to nginx in the pod", async () => {
    const output = await portForward(`${gcloud}/kubectl.1.30`, ["pod/web", "18169:80"]);
    expect(output()).toContain("Forwarding from 127.0.0.1:18169 -> 80");
    const page = await fetch("http://127.0.0.1:18169/");
    expect(await page.text()).toContain("<title>Welcome to nginx!</title>");
  });
});

describe("the upgrade's checks", () => {
  const k = (...args: string[]) => kubectlAt(`${gcloud}/kubectl.1.27`, cluster.sandbox.path, args);

  it("authorizes as the WebSocket path does: a read-only kubeconfig may not create pods/exec or pods/portforward", async () => {
    // An instructor's view of a student's sandbox is the read-only kubeconfig the service issues.
    const { service, sandbox } = cluster;
    const room = await graphql(
      service.http,
      `mutation($t:ID!){createClassroom(name:"spdy",seats:2,templateSandboxId:$t){joinCode}}`,
      { t: sandbox.id },
      sandbox.userToken,
    );
    const student = await graphql(
      service.http,
      `mutation($e:String!){signUp(email:$e,password:"correct-horse-9"){token}}`,
      { e: `spdy-student-${Date.now()}@example.com` },
    );
    const joined = await graphql(
      service.http,
      `mutation($c:String!){joinClassroom(code:$c){id}}`,
      { c: room.data.createClassroom.joinCode },
      student.data.signUp.token,
    );
    const readOnly = await readOnlyKubeconfig(
      service,
      sandbox.userToken,
      joined.data.joinClassroom.id,
      "spdy-instructor",
    );
    const asInstructor = (...args: string[]) => kubectlAt(`${gcloud}/kubectl.1.27`, readOnly, args);
    const exec = await asInstructor("exec", "web", "--", "true");
    expect(exec.code).toBe(1);
    expect(exec.stderr).toMatch(
      /Error from server \(Forbidden\): pods "web" is forbidden: User "[^"]+" cannot create resource "pods\/exec" in API group "" in the namespace "default"/,
    );
    const forward = await asInstructor("port-forward", "pod/web", "18167:80");
    expect(forward.code).toBe(1);
    expect(forward.stderr).toMatch(
      /pods "web" is forbidden: User "[^"]+" cannot create resource "pods\/portforward"/,
    );
  });

  it("answers a client speaking none of the stream protocols as the kubelet does", async () => {
    const server = (await k("config", "view", "-o", "jsonpath={.clusters[0].cluster.server}")).stdout;
    const token = (await k("config", "view", "--raw", "-o", "jsonpath={.users[0].user.token}")).stdout;
    const upgrade = (path: string, protocol?: string) =>
      run("curl", [
        "-sk",
        "-i",
        "-X",
        "POST",
        "-H",
        "Connection: Upgrade",
        "-H",
        "Upgrade: SPDY/3.1",
        "-H",
        `Authorization: Bearer ${token}`,
        ...(protocol ? ["-H", `X-Stream-Protocol-Version: ${protocol}`] : []),
        `${server}/api/v1/namespaces/default/pods/web/${path}`,
      ]).then((r) => r.stdout);
    const bogus = await upgrade("exec?command=true&stdout=true", "v9.channel.k8s.io");
    expect(bogus).toMatch(/^HTTP\/1\.1 403/);
    expect(bogus).toContain(
      "unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]",
    );
    const none = await upgrade("portforward");
    expect(none).toMatch(/^HTTP\/1\.1 400/);
    expect(none).toContain("unable to upgrade: X-Stream-Protocol-Version is required");
  });
});

describe("Debian's kubectl 1.20 over SPDY/3.1", () => {
  const k = (...args: string[]) => kubectlAt(debian, cluster.sandbox.path, args);

  it("execs a command, with stdin, and carries its exit code through", async () => {
    expect((await k("version", "--client", "-o", "json")).stdout).toContain('"minor": "20"');
    expect(await k("exec", "web", "--", "cat", "/etc/hostname")).toMatchObject({ code: 0, stdout: "web\n" });
    const failed = await k("exec", "web", "--", "sh", "-c", "exit 3");
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain("command terminated with exit code 3");
    expect((await withInput(debian, ["exec", "-i", "web", "--", "cat"], "from 1.20\n")).stdout).toBe(
      "from 1.20\n",
    );
  });
});
