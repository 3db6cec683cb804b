import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connect } from "../../db/connection.ts";
import { suiteDatabaseUrl } from "../support/db.ts";
import { rowsContaining } from "../support/plaintext-scan.ts";
import { kubectlPath, revocableKubeconfig, tutorialManifests, useSandbox } from "../support/service.ts";

/**
 * Inside pods with the real kubectl: logs of a two-container pod (the tutorial's shape, with an
 * echo loop), exec reading a mounted secret and showing its tmpfs, an emptyDir shared by two
 * containers, exit codes carried through exec, a crash-looping container's previous log, and cp
 * both ways.
 */

const cluster = useSandbox("inside-pods");
const k = cluster.kubectl;

async function apply(yaml: string) {
  const dir = await mkdtemp(join(tmpdir(), "inside-"));
  const file = join(dir, "m.yaml");
  await writeFile(file, yaml);
  const r = await k("apply", "-f", file);
  expect(r.stderr).toBe("");
}

async function until(check: () => Promise<boolean>, seconds = 40): Promise<void> {
  for (let i = 0; i < seconds * 2; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("timed out");
}

/** `kubectl exec pod -c c -- sh -c script` (the helper's trailing --cache-dir becomes the script's $0). */
const sh = (pod: string, container: string, script: string) =>
  k("exec", pod, "-c", container, "--", "sh", "-c", script);

const running = (pod: string) => async () =>
  (await k("get", "pod", pod, "-o", "jsonpath={.status.phase}")).stdout === "Running";

describe("inside pods, with the real kubectl", () => {
  it("logs a two-container pod's loop and nginx's start-up, tail, timestamps and the default container", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: web, image: nginx}
  - name: loop
    image: centos
    command: ["/bin/sh", "-c", "while : ; do echo tick $HOSTNAME; sleep 3; done"]
`);
    await until(running("two"));
    await until(async () => (await k("logs", "two", "-c", "loop")).stdout.split("tick two").length > 2);
    const tail = await k("logs", "two", "-c", "loop", "--tail=2");
    expect(tail.stdout).toBe("tick two\ntick two\n");
    const stamped = await k("logs", "two", "-c", "loop", "--tail=1", "--timestamps");
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick two\n$/);
    const web = await k("logs", "two");
    expect(web.stderr).toContain('Defaulted container "web" out of: web, loop');
    expect(web.stdout).toContain("/docker-entrypoint.sh: Configuration complete; ready for start up");
    expect(web.stdout).toMatch(/\[notice\] 1#1: start worker processes/);
    // A line written to the log by another process (nginx -s reload signals the server).
    const reload = await sh("two", "web", "nginx -s reload");
    expect(reload.code).toBe(0);
    await until(async () =>
      (await k("logs", "two", "-c", "web")).stdout.includes("signal 1 (SIGHUP) received"),
    );
    const bad = await k("logs", "two", "-c", "nope");
    expect(bad.code).toBe(1);
  });

  it("execs into a pod with a mounted secret: the files, tmpfs in df, exit codes", async () => {
    expect((await k("create", "-f", `${tutorialManifests}/secret.yaml`)).code).toBe(0);
    expect((await k("create", "-f", `${tutorialManifests}/my-secret.pod.yaml`)).code).toBe(0);
    await until(running("mysecret"));
    const username = await sh("mysecret", "mysecret", "cat /etc/foo/username");
    expect(username.stderr).toBe("");
    expect(username.stdout).toBe("admin");
    expect((await sh("mysecret", "mysecret", "cat /etc/foo/password")).stdout).toBe("1f2d1e2e67df");
    const df = await sh("mysecret", "mysecret", "df -h --type=tmpfs");
    expect(df.stdout).toMatch(/^Filesystem\s+Size\s+Used\s+Avail\s+Use%\s+Mounted on$/m);
    expect(df.stdout).toMatch(/^tmpfs\s+\S+\s+\S+\s+\S+\s+\d+%\s+\/etc\/foo$/m);
    const write = await sh("mysecret", "mysecret", "echo x > /etc/foo/new");
    expect(write.code).not.toBe(0);
    const three = await sh("mysecret", "mysecret", "exit 3");
    expect(three.code).toBe(3);
    expect(three.stderr).toContain("command terminated with exit code 3");
    const env = await sh("mysecret", "mysecret", "env");
    expect(env.stdout).toMatch(/^HOSTNAME=mysecret$/m);
    expect(env.stdout).toMatch(/^KUBERNETES_SERVICE_HOST=/m);
  });

  it("gives env from a Secret's key, and stores no plaintext of it anywhere", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: envsecret}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "echo started; sleep 3600"]
    env:
    - {name: PW, valueFrom: {secretKeyRef: {name: mysecret, key: password}}}
    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
`);
    await until(running("envsecret"));
    expect((await sh("envsecret", "c", 'echo "$PW $POD"')).stdout).toBe("1f2d1e2e67df envsecret\n");
    // Logs settle the run (its evaluation is kept): without the shell's variables.
    expect((await k("logs", "envsecret")).stdout).toBe("started\n");
    await sh("envsecret", "c", "echo written > /tmp/f");
    const database = connect(suiteDatabaseUrl(), 1);
    try {
      expect(await rowsContaining(database.sql, ["1f2d1e2e67df", "MWYyZDFlMmU2N2Rm"])).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("shares an emptyDir between two containers, and copies files in and out", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: shared}
spec:
  containers:
  - {name: a, image: busybox, command: ["sleep", "3600"], volumeMounts: [{name: cache, mountPath: /cache}]}
  - {name: b, image: busybox, command: ["sleep", "3600"], volumeMounts: [{name: cache, mountPath: /data}]}
  volumes:
  - {name: cache, emptyDir: {}}
`);
    await until(running("shared"));
    expect((await sh("shared", "a", "echo hello-cache > /cache/f")).code).toBe(0);
    expect((await sh("shared", "b", "cat /data/f")).stdout).toBe("hello-cache\n");
    // A container's own layer is its own.
    await sh("shared", "a", "echo mine > /tmp/own");
    expect((await sh("shared", "a", "cat /tmp/own")).stdout).toBe("mine\n");
    expect((await sh("shared", "b", "cat /tmp/own")).code).not.toBe(0);
    const dir = await mkdtemp(join(tmpdir(), "cp-"));
    await writeFile(join(dir, "in.txt"), "copied in\n");
    const put = await k("cp", join(dir, "in.txt"), "shared:/cache/in.txt", "-c", "a");
    expect(put.stderr).toBe("");
    expect((await sh("shared", "b", "cat /data/in.txt")).stdout).toBe("copied in\n");
    const get = await k("cp", "shared:/cache/f", join(dir, "out.txt"), "-c", "a");
    expect(get.stderr).toBe("");
    expect(get.code).toBe(0);
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("hello-cache\n");
  });

  it("a pod's files stop at its ephemeral-storage limit: exec and cp past it get No space left on device", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: small-disk}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    resources: {limits: {ephemeral-storage: 1Mi}}
`);
    await until(running("small-disk"));
    expect((await sh("small-disk", "c", "printf %0600000d 0 > /tmp/a")).code).toBe(0);
    const past = await sh("small-disk", "c", "printf %0600000d 0 > /tmp/b");
    expect(past.code).not.toBe(0);
    expect(past.stderr).toContain("No space left on device");
    const dir = await mkdtemp(join(tmpdir(), "cp-full-"));
    await writeFile(join(dir, "big.bin"), Buffer.alloc(700_000, 1));
    const cp = await k("cp", join(dir, "big.bin"), "small-disk:/tmp/big.bin");
    expect(cp.code).not.toBe(0);
    expect(cp.stderr).toContain("No space left on device");
    // Nothing past the limit was kept: the first file is whole, the copy is not there in full.
    const kept = await sh("small-disk", "c", "wc -c < /tmp/a; wc -c < /tmp/big.bin || true");
    expect(kept.stdout.split("\n")[0]).toBe("600000");
    expect(kept.stdout).not.toContain("700000");
  });

  it("keeps what a container's command wrote: exec reads it, and nginx serves what a sidecar's command wrote", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: two-containers}
spec:
  restartPolicy: Never
  volumes:
  - {name: shared-data, emptyDir: {}}
  containers:
  - name: nginx-container
    image: nginx
    volumeMounts: [{name: shared-data, mountPath: /usr/share/nginx/html}]
  - name: debian-container
    image: debian
    volumeMounts: [{name: shared-data, mountPath: /pod-data}]
    command: ["/bin/sh"]
    args: ["-c", "echo started > /tmp/x; echo Hello from the debian container > /pod-data/index.html; sleep 3600"]
`);
    await until(running("two-containers"));
    const started = await sh("two-containers", "debian-container", "cat /tmp/x");
    expect(started.stdout).toBe("started\n");
    const page = await sh("two-containers", "nginx-container", "curl -s localhost");
    expect(page.stdout).toBe("Hello from the debian container\n");
  });

  it("restarts a crashing container and keeps its previous log", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: c, image: busybox, command: ["sh", "-c", "echo dying; exit 1"]}
`);
    await until(
      async () =>
        Number(
          (await k("get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"))
            .stdout,
        ) >= 1,
    );
    const last = await k(
      "get",
      "pod",
      "crash",
      "-o",
      "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}",
    );
    expect(last.stdout).toBe("1");
    const previous = await k("logs", "crash", "--previous");
    expect(previous.stdout).toBe("dying\n");
  });

  it("follows a log until the container stops; --all-containers and -l read several", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: brief, labels: {app: brief}}
spec:
  restartPolicy: Never
  containers:
  - {name: one, image: busybox, command: ["sh", "-c", "echo first; sleep 4; echo second"]}
  - {name: two, image: busybox, command: ["sh", "-c", "echo other; sleep 3600"]}
`);
    await until(running("brief"));
    const followed = await k("logs", "-f", "brief", "-c", "one");
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe("first\nsecond\n");
    const all = await k("logs", "brief", "--all-containers");
    expect(all.stdout).toContain("first\n");
    expect(all.stdout).toContain("other\n");
    const byLabel = await k("logs", "-l", "app=brief", "-c", "two");
    expect(byLabel.stdout).toBe("other\n");
  });

  /** `kubectl run -i --rm NAME --image=busybox --restart=Never -- sh` with `input` on its stdin. */
  async function runAttached(name: string, input: string): Promise<{ out: string; code: number | null }> {
    const child = spawn(
      kubectlPath,
      ["run", "-i", "--rm", name, "--image=busybox", "--restart=Never", "--", "sh"],
      { env: { ...process.env, KUBECONFIG: cluster.sandbox.path } },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { out, code };
  }

  it("attaches to a shell that reads its stdin (kubectl run -i --rm)", async () => {
    const { out, code } = await runAttached("att", "echo attached-$HOSTNAME\n");
    expect(out).toContain("attached-att");
    expect(out).toContain(`pod "att" deleted`);
    expect(code).toBe(0);
  });

  it("ends the attached container with its shell's exit code: the pod fails, and kubectl run exits with the code", async () => {
    const { out, code } = await runAttached("att-exit", "echo before-exit\nexit 3\n");
    expect(out).toContain("before-exit");
    // kubectl waits for the pod to complete, reads its container's termination, then deletes it.
    expect(out).toContain("pod default/att-exit terminated (Error)");
    expect(out).toContain(`pod "att-exit" deleted`);
    expect(code).toBe(3);
  });

  it("runs an interactive shell with a TTY (kubectl exec -it), keeping its directory between lines", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: tty}
spec:
  containers:
  - {name: c, image: busybox, command: ["sleep", "3600"]}
`);
    await until(running("tty"));
    // script(1) gives kubectl a terminal; the keystrokes come from its stdin.
    const child = spawn("script", ["-qec", `${kubectlPath} exec -it tty -- sh`, "/dev/null"], {
      env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    const type = (text: string) => new Promise((r) => setTimeout(() => r(child.stdin.write(text)), 1500));
    await type("cd /tmp\r");
    await type("pwd; echo tty-$HOSTNAME\r");
    await type("exit 3\r");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(out).toContain("tty-tty");
    expect(out).toMatch(/\/tmp\r?\n/);
    expect(code).toBe(3);
  });

  it("nginx serves a configMap mounted at its html root, to curl in another pod", async () => {
    expect((await k("create", "configmap", "site", "--from-literal=index.html=from a configMap")).code).toBe(
      0,
    );
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: cm-site}
spec:
  containers:
  - name: web
    image: nginx
    volumeMounts: [{name: site, mountPath: /usr/share/nginx/html}]
  volumes:
  - {name: site, configMap: {name: site}}
`);
    await until(running("cm-site"));
    const ip = (await k("get", "pod", "cm-site", "-o", "jsonpath={.status.podIP}")).stdout;
    // two-containers (above) has a debian container running a shell.
    const page = await sh("two-containers", "debian-container", `curl -s http://${ip}/`);
    expect(page.stdout).toBe("from a configMap");
  });

  it("mounts configMap, downwardAPI, secret items and the service account's token", async () => {
    expect(
      (await k("create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=level=3")).code,
    ).toBe(0);
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: vols, labels: {tier: web}}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: conf, mountPath: /etc/conf}
    - {name: info, mountPath: /etc/podinfo}
    - {name: creds, mountPath: /etc/creds}
    - {name: mem, mountPath: /scratch}
  volumes:
  - {name: conf, configMap: {name: settings}}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: name, fieldRef: {fieldPath: metadata.name}}
  - name: creds
    secret: {secretName: mysecret, items: [{key: username, path: user/name}]}
  - {name: mem, emptyDir: {medium: Memory}}
`);
    await until(running("vols"));
    expect((await sh("vols", "c", "cat /etc/conf/mode; cat /etc/conf/level")).stdout).toBe("fast3");
    expect((await sh("vols", "c", "cat /etc/podinfo/labels; echo; cat /etc/podinfo/name")).stdout).toBe(
      'tier="web"\nvols',
    );
    expect((await sh("vols", "c", "cat /etc/creds/user/name; ls /etc/creds")).stdout).toBe("adminuser\n");
    const sa = await sh(
      "vols",
      "c",
      "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; ls /var/run/secrets/kubernetes.io/serviceaccount",
    );
    expect(sa.stdout).toBe("defaultca.crt\nnamespace\ntoken\n");
    expect((await sh("vols", "c", "df | grep -c ' /scratch$'")).stdout).toBe("1\n");
    expect((await sh("vols", "c", "mount | grep ' /scratch '")).stdout).toMatch(
      /^tmpfs on \/scratch type tmpfs \(rw,/,
    );
  });

  it("a write into a read-only volume fails that command alone, in the shell's and the tools' words", async () => {
    expect((await k("create", "configmap", "cfg", "--from-literal=k=v")).code).toBe(0);
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: ro}
spec:
  containers:
  - name: web
    image: nginx
    volumeMounts: [{name: cfg, mountPath: /etc/cfg}]
  - name: box
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{name: cfg, mountPath: /etc/cfg}, {name: scratch, mountPath: /ro, readOnly: true}]
  volumes:
  - {name: cfg, configMap: {name: cfg}}
  - {name: scratch, emptyDir: {}}
`);
    await until(running("ro"));
    // dash (nginx's sh), then BusyBox's ash: the shell's own message, and the script goes on.
    const dash = await sh("ro", "web", "echo x > /etc/cfg/a; echo after");
    expect(dash).toMatchObject({
      code: 0,
      stdout: "after\n",
      stderr: "sh: 1: cannot create /etc/cfg/a: Read-only file system\n",
    });
    const ash = await sh("ro", "box", "echo x > /ro/a; echo $?; cat /etc/cfg/k");
    expect(ash).toMatchObject({
      code: 0,
      stdout: "1\nv",
      stderr: "sh: can't create /ro/a: Read-only file system\n",
    });
    const touch = await k("exec", "ro", "-c", "web", "--", "touch", "/etc/cfg/b");
    expect(touch.code).toBe(1);
    expect(touch.stderr).toContain("touch: cannot touch '/etc/cfg/b': Read-only file system");
    const bbTouch = await k("exec", "ro", "-c", "box", "--", "touch", "/etc/cfg/b");
    expect(bbTouch.code).toBe(1);
    expect(bbTouch.stderr).toContain("touch: /etc/cfg/b: Read-only file system");
    const mkdir = await sh("ro", "web", "mkdir /etc/cfg/d");
    expect(mkdir.code).toBe(1);
    expect(mkdir.stderr).toContain("mkdir: cannot create directory '/etc/cfg/d': Read-only file system");
  });

  it("ends an open exec when its container stops (137) or its token is revoked", async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: doomed}
spec:
  containers:
  - {name: c, image: busybox, command: ["sleep", "3600"]}
`);
    await until(running("doomed"));
    // A command still running (sleep) keeps kubectl exec open until something ends it.
    const open = (kubeconfig: string) => {
      const child = spawn(kubectlPath, ["--kubeconfig", kubeconfig, "exec", "doomed", "--", "sleep", "3600"]);
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on("exit", (code) => resolve({ code, stderr })),
      );
      return { child, done };
    };
    // Revoked: a kubeconfig issued on its own, revoked while its exec is open.
    const issued = await revocableKubeconfig(cluster.service, cluster.sandbox, "revoked-exec");
    const revoked = open(issued.path);
    await new Promise((r) => setTimeout(r, 1500));
    expect(revoked.child.exitCode).toBeNull();
    await issued.revoke();
    const ended = await revoked.done;
    expect(ended.stderr).toContain("Unauthorized");
    expect(ended.code).toBe(1);
    // The pod deleted at once: its container's processes are killed.
    const killed = open(cluster.sandbox.path);
    await new Promise((r) => setTimeout(r, 1500));
    expect(killed.child.exitCode).toBeNull();
    expect((await k("delete", "pod", "doomed", "--grace-period=0", "--force")).code).toBe(0);
    const gone = await killed.done;
    expect(gone.stderr).toContain("command terminated with exit code 137");
    expect(gone.code).toBe(137);
  });
});
