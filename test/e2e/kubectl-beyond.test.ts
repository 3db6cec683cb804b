import { spawn } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type KubectlResult, kubectl, kubectlPath, useSandbox } from "../support/service.ts";

/**
 * kubectl past the tutorial's steps, as a learner exploring would use it: each command works as
 * on a real cluster, or fails with the message a real cluster gives for what it lacks.
 */
const cluster = useSandbox("beyond");
const k = cluster.kubectl;
const file = (name: string) => join(cluster.service.dataDir, name);
const ok = (result: KubectlResult) => {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
};

const deployment = (name: string, image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
`;

const configMaps = (...names: string[]) =>
  names
    .map(
      (n) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  labels: {set: pruned}\ndata: {n: "${n}"}\n`,
    )
    .join("---\n");

beforeAll(async () => {
  await writeFile(file("web.yaml"), deployment("web", "nginx:1.27", 2));
  ok(await k("apply", "-f", file("web.yaml")));
  ok(await k("rollout", "status", "deployment/web", "--timeout=60s"));
});

describe("kubectl past the tutorial", () => {
  it("diff: nothing for an unchanged manifest (exit 0), the change otherwise (exit 1)", async () => {
    const same = await k("diff", "-f", file("web.yaml"));
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toBe("");
    await writeFile(file("web-3.yaml"), deployment("web", "nginx:1.27", 3));
    const changed = await k("diff", "-f", file("web-3.yaml"));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+replicas: 2$/m);
    expect(changed.stdout).toMatch(/^\+\s+replicas: 3$/m);
  });

  it("wait --for=condition=Ready and Available, and --for=delete", async () => {
    const ready = ok(await k("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=30s"));
    expect(ready.match(/condition met/g)).toHaveLength(2);
    expect(ok(await k("wait", "--for=condition=Available", "deployment/web", "--timeout=30s"))).toBe(
      "deployment.apps/web condition met\n",
    );
    // A pod on a node whose process ignores SIGTERM (a shell's sleep) stays Terminating for its grace
    // period, so the wait meets it: an unscheduled pod is deleted at once, and kubectl then prints nothing.
    await writeFile(
      file("brief.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: {name: brief}\nspec:\n  containers:\n" +
        "  - {name: brief, image: 'busybox:1.36', command: [sleep, '3600']}\n",
    );
    ok(await k("create", "-f", file("brief.yaml")));
    ok(await k("wait", "--for=condition=Ready", "pod/brief", "--timeout=30s"));
    // The wait starts first and the grace period leaves it seconds to read the pod: started after the
    // delete on a busy machine, it could find the pod already gone (and print nothing), as CI once did.
    const waited = k("wait", "--for=delete", "pod/brief", "--timeout=30s");
    ok(await k("delete", "pod", "brief", "--wait=false", "--grace-period=5"));
    expect(ok(await waited)).toBe("pod/brief condition met\n");
  });

  it("edit: the editor's change is saved, an unchanged buffer is not", async () => {
    const editor = file("editor.sh");
    // Only spec's replicas: status.replicas may still read 2 while the controller catches up, and
    // changing it too would make the second buffer an edit.
    await writeFile(editor, `#!/bin/sh\nsed -i '/^spec:/,/^[a-z]/ s/^  replicas: 2$/  replicas: 1/' "$1"\n`);
    await chmod(editor, 0o755);
    const edit = () => kubectl(cluster.sandbox.path, ["edit", "deployment", "web"], { EDITOR: editor });
    expect(ok(await edit())).toBe("deployment.apps/web edited\n");
    expect(ok(await k("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"))).toBe("1");
    const unchanged = await edit();
    expect(unchanged.stderr).toBe("Edit cancelled, no changes made.\n");
  });

  it("patch --type json, merge and strategic", async () => {
    ok(await k("create", "configmap", "patched", "--from-literal=a=1"));
    const patch = (type: string, body: string) =>
      k("patch", "configmap", "patched", "--type", type, "-p", body);
    expect(ok(await patch("json", '[{"op":"add","path":"/data/b","value":"2"}]'))).toBe(
      "configmap/patched patched\n",
    );
    expect(ok(await patch("merge", '{"data":{"a":null}}'))).toBe("configmap/patched patched\n");
    expect(ok(await k("get", "configmap", "patched", "-o", "jsonpath={.data}"))).toBe('{"b":"2"}');
    const strategic = await k(
      "patch",
      "deployment",
      "web",
      "--type",
      "strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}',
    );
    expect(ok(strategic)).toBe("deployment.apps/web patched\n");
    const failing = await patch("json", '[{"op":"remove","path":"/data/nope"}]');
    expect(failing.code).toBe(1);
  });

  it("replace --force deletes and recreates", async () => {
    const live = ok(await k("get", "configmap", "patched", "-o", "yaml"));
    await writeFile(file("patched.yaml"), live.replace('b: "2"', 'b: "3"'));
    const uid = ok(await k("get", "configmap", "patched", "-o", "jsonpath={.metadata.uid}"));
    const replaced = ok(await k("replace", "--force", "-f", file("patched.yaml")));
    expect(replaced).toBe('configmap "patched" deleted\nconfigmap/patched replaced\n');
    expect(ok(await k("get", "configmap", "patched", "-o", "jsonpath={.metadata.uid}"))).not.toBe(uid);
  });

  it("apply --prune removes what the manifest no longer has (the allowlist naming the kinds served)", async () => {
    await writeFile(file("set.yaml"), configMaps("keep", "drop"));
    ok(
      await k(
        "apply",
        "-f",
        file("set.yaml"),
        "-l",
        "set=pruned",
        "--prune",
        "--prune-allowlist=core/v1/ConfigMap",
      ),
    );
    await writeFile(file("set.yaml"), configMaps("keep"));
    const pruned = ok(
      await k(
        "apply",
        "-f",
        file("set.yaml"),
        "-l",
        "set=pruned",
        "--prune",
        "--prune-allowlist=core/v1/ConfigMap",
      ),
    );
    expect(pruned).toBe("configmap/keep unchanged\nconfigmap/drop pruned\n");
  });

  it("apply --prune without an allowlist lists kubectl's default kinds, every one served", async () => {
    const labelled = (...names: string[]) => configMaps(...names).replaceAll("set: pruned", "set: defaults");
    await writeFile(file("defaults.yaml"), labelled("stays", "goes"));
    ok(await k("apply", "-f", file("defaults.yaml"), "-l", "set=defaults", "--prune"));
    await writeFile(file("defaults.yaml"), labelled("stays"));
    const pruned = await k("apply", "-f", file("defaults.yaml"), "-l", "set=defaults", "--prune");
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe("configmap/stays unchanged\nconfigmap/goes pruned\n");
    // Kinds served read-only for it (none exist): a write is the API server's 405.
    const pvc = await k("create", "job", "j", "--image=busybox");
    expect(pvc.stderr).toContain("the server does not allow this method on the requested resource");
    const listed = ok(await k("get", "pvc,pv,jobs,cronjobs,ingresses,statefulsets", "-A"));
    expect(listed).toBe("");
  });

  it("get --watch-only prints only what happens after it starts", async () => {
    let output = "";
    const lines = () => output.split("\n").filter(Boolean);
    const watcher = spawn(kubectlPath, ["get", "pods", "--watch-only", "-l", "app=watched"], {
      env: { ...process.env, KUBECONFIG: cluster.sandbox.path },
    });
    watcher.stdout.on("data", (d) => {
      output += d;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(output).toBe("");
    ok(await k("run", "watched", "--image=nginx:1.27", "--labels=app=watched"));
    for (let i = 0; i < 40 && !/ Running /.test(output); i++) await new Promise((r) => setTimeout(r, 250));
    watcher.kill();
    const [header, ...events] = lines();
    expect(header).toMatch(/^NAME\s+READY\s+STATUS/);
    expect(events.every((l) => l.startsWith("watched "))).toBe(true);
    expect(events.some((l) => /^watched\s+1\/1\s+Running/.test(l))).toBe(true);
  });

  it("get -o custom-columns", async () => {
    const out = ok(
      await k(
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,NODE:.spec.nodeName",
      ),
    );
    const [header, ...rows] = out.trim().split("\n");
    expect(header).toMatch(/^NAME\s+IMAGE\s+NODE$/);
    for (const row of rows) expect(row).toMatch(/^web-\S+\s+nginx:1\.2[78]\s+node-\d$/);
  });

  it("events --for an object", async () => {
    const events = ok(await k("events", "--for", "deployment/web"));
    expect(events).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(events).toMatch(/Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-/);
  });

  it("api-resources -o wide lists verbs and categories, the reviews included", async () => {
    const out = ok(await k("api-resources", "-o", "wide"));
    expect(out).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s+VERBS\s+CATEGORIES/);
    expect(out).toMatch(
      /^pods\s+po\s+v1\s+true\s+Pod\s+create,delete,deletecollection,get,list,patch,update,watch\s+all$/m,
    );
    expect(out).toMatch(
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m,
    );
    expect(out).toMatch(/^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet\s+get,list,watch\s+all$/m);
  });

  it("explain crd, down to a custom resource schema's fields", async () => {
    const crd = ok(await k("explain", "crd"));
    expect(crd).toMatch(
      /^GROUP:\s+apiextensions\.k8s\.io\nKIND:\s+CustomResourceDefinition\nVERSION:\s+v1\n/,
    );
    expect(crd).toMatch(/^ {2}spec\t<CustomResourceDefinitionSpec> -required-$/m);
    const field = ok(
      await k("explain", "crd.spec.versions.schema.openAPIV3Schema.x-kubernetes-preserve-unknown-fields"),
    );
    expect(field).toMatch(/^FIELD: x-kubernetes-preserve-unknown-fields <boolean>$/m);
  });

  it("explain --recursive", async () => {
    const out = ok(await k("explain", "deployment.spec.strategy", "--recursive"));
    expect(out).toMatch(/FIELD: strategy <DeploymentStrategy>/);
    expect(out).toMatch(/^\s+rollingUpdate\s+<RollingUpdateDeployment>\n\s+maxSurge\s+<IntOrString>/m);
    expect(out).toMatch(/enum: Recreate, RollingUpdate/);
  });

  it("label: refuses an existing key without --overwrite, overwrites with it, removes with key-", async () => {
    ok(await k("label", "deployment", "web", "tier=front"));
    const refused = await k("label", "deployment", "web", "tier=back");
    expect(refused.stderr).toBe("error: 'tier' already has a value (front), and --overwrite is false\n");
    expect(ok(await k("label", "deployment", "web", "tier=back", "--overwrite"))).toBe(
      "deployment.apps/web labeled\n",
    );
    expect(ok(await k("label", "deployment", "web", "tier-"))).toBe("deployment.apps/web unlabeled\n");
    expect(ok(await k("get", "deployment", "web", "-o", "jsonpath={.metadata.labels}"))).toBe(
      '{"app":"web"}',
    );
  });

  it("rollout pause holds a change back, resume rolls it out, restart replaces every pod", async () => {
    ok(await k("rollout", "status", "deployment/web", "--timeout=60s"));
    expect(ok(await k("rollout", "pause", "deployment/web"))).toBe("deployment.apps/web paused\n");
    ok(await k("set", "image", "deployment/web", "web=nginx:1.29"));
    await new Promise((r) => setTimeout(r, 1000));
    const held = ok(
      await k(
        "get",
        "rs",
        "-l",
        "app=web",
        "-o",
        "jsonpath={.items[*].spec.template.spec.containers[0].image}",
      ),
    );
    expect(held).not.toContain("nginx:1.29");
    expect(ok(await k("rollout", "resume", "deployment/web"))).toBe("deployment.apps/web resumed\n");
    ok(await k("rollout", "status", "deployment/web", "--timeout=60s"));
    const before = ok(await k("get", "pods", "-l", "app=web", "-o", "name"));
    expect(ok(await k("rollout", "restart", "deployment/web"))).toBe("deployment.apps/web restarted\n");
    ok(await k("rollout", "status", "deployment/web", "--timeout=60s"));
    const annotations = ok(
      await k("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations}"),
    );
    expect(annotations).toContain("kubectl.kubernetes.io/restartedAt");
    let after = "";
    for (let i = 0; i < 40; i++) {
      after = ok(await k("get", "pods", "-l", "app=web", "-o", "name"));
      if (
        !before
          .split("\n")
          .filter(Boolean)
          .some((pod) => after.includes(pod))
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const pod of before.split("\n").filter(Boolean)) expect(after).not.toContain(pod);
  });

  it("autoscale is refused as a cluster without the autoscaling API refuses it", async () => {
    const refused = await k("autoscale", "deployment", "web", "--min=1", "--max=3", "--cpu-percent=50");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "Error from server (NotFound): the server could not find the requested resource (post horizontalpodautoscalers.autoscaling)\n",
    );
    expect((await k("get", "hpa")).stderr).toBe('error: the server doesn\'t have a resource type "hpa"\n');
  });

  it("cluster-info and cluster-info dump", async () => {
    expect(ok(await k("cluster-info"))).toContain(
      `Kubernetes control plane is running at ${cluster.service.https}/sandboxes/${cluster.sandbox.id}`,
    );
    const dir = file("dump");
    ok(await k("cluster-info", "dump", "--output-directory", dir));
    const nodes = JSON.parse(await readFile(join(dir, "nodes.json"), "utf8"));
    expect(nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      "node-1",
      "node-2",
      "node-3",
    ]);
    const deployments = JSON.parse(await readFile(join(dir, "default", "deployments.json"), "utf8"));
    expect(deployments.items.map((d: { metadata: { name: string } }) => d.metadata.name)).toEqual(["web"]);
    const daemonSets = JSON.parse(await readFile(join(dir, "kube-system", "daemonsets.json"), "utf8"));
    expect(daemonSets).toMatchObject({ kind: "DaemonSetList", items: [] });
  });

  it("auth can-i --list and whoami; a service account's token works until the account is deleted", async () => {
    expect(ok(await k("auth", "can-i", "--list"))).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(ok(await k("auth", "whoami"))).toMatch(/Groups\s+\[system:masters system:authenticated\]/);
    ok(await k("create", "serviceaccount", "robot"));
    const token = ok(await k("create", "token", "robot", "--duration=1h"));
    const asRobot = (...args: string[]) => k(...args, `--token=${token}`);
    expect(ok(await asRobot("auth", "whoami"))).toMatch(/Username\s+system:serviceaccount:default:robot/);
    expect(ok(await asRobot("get", "deployment", "web", "-o", "name"))).toBe("deployment.apps/web\n");
    ok(await k("delete", "serviceaccount", "robot"));
    // The API server caches token reviews ten seconds; so does the sandbox.
    let refused: KubectlResult | undefined;
    for (let i = 0; i < 30; i++) {
      refused = await asRobot("get", "pods");
      if (refused.code !== 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(refused?.stderr).toContain("error: You must be logged in to the server");
  });
});
