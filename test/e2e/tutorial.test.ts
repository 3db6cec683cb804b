import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubectl, tutorialManifests, useSandbox } from "../support/service.ts";

// The tutorial's sections that the other e2e files do not walk: names, labels and selectors,
// annotations, namespaces and contexts, and volumes, with the real kubectl and its output.
const cluster = useSandbox("tutorial");
const k = cluster.kubectl;
const manifest = (name: string) => join(tutorialManifests, name);
/** The names of the pods a selector picks, sorted. */
const names = async (...args: string[]) =>
  (await k("get", "pods", "--no-headers", ...args)).stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0])
    .sort();

describe("labels and selectors", () => {
  it("selects by equality, sets, inequality and existence", async () => {
    expect((await k("create", "-f", manifest("label-nginx.yaml"))).stdout.trim()).toBe("pod/nginx created");
    expect(
      (
        await k(
          "run",
          "nginx-pod",
          "--image=nginx",
          "--port=80",
          "--labels=environment=production,project=pilot,tier=frontend",
        )
      ).stdout.trim(),
    ).toBe("pod/nginx-pod created");
    expect(await names("-l", "project=pilot,environment=production")).toEqual(["nginx-pod"]);
    expect(await names("-l", "tier in (frontend),project notin (pilot)")).toEqual(["nginx"]);
    expect(await names("-l", "environment!=staging,tier")).toEqual(["nginx-pod"]);
    expect(await names("-l", "!tier")).toEqual([]);
    expect((await k("get", "pod", "nginx", "--show-labels")).stdout).toMatch(
      /environment=staging,project=lambert,tier=frontend$/m,
    );
  });

  it("refuses a bad label key with the API server's message and stores nothing", async () => {
    const r = await k("label", "pod", "nginx", "bad key!=x");
    expect(r.code).toBe(1);
    expect((await k("get", "pod", "nginx", "-o", "jsonpath={.metadata.labels}")).stdout).not.toContain(
      "bad key",
    );
  });
});

describe("annotations", () => {
  it("keeps the tutorial's annotation and adds one with kubectl annotate", async () => {
    expect((await k("create", "-f", manifest("annotation-sample.yaml"))).stdout.trim()).toBe(
      "pod/annotations-example created",
    );
    expect(
      (await k("get", "pod", "annotations-example", "-o", "jsonpath={.metadata.annotations.container}"))
        .stdout,
    ).toBe("nginx");
    expect((await k("annotate", "pod", "annotations-example", "note=hi")).stdout.trim()).toBe(
      "pod/annotations-example annotated",
    );
    const described = await k("describe", "pod", "annotations-example");
    expect(described.stdout).toMatch(/^Annotations:\s+container: nginx\n\s+note: hi$/m);
  });
});

describe("namespaces and contexts", () => {
  it("runs a pod in a namespace, lists all namespaces, and follows the context's namespace", async () => {
    expect((await k("create", "-f", manifest("newnamespace.yaml"))).stdout.trim()).toBe(
      "namespace/new-namespace created",
    );
    expect((await k("run", "nginx", "--image=nginx", "--namespace=new-namespace")).stdout.trim()).toBe(
      "pod/nginx created",
    );
    const all = await k("get", "pods", "--all-namespaces");
    expect(all.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(all.stdout).toMatch(/^new-namespace\s+nginx\s+/m);
    expect(all.stdout).toMatch(/^default\s+nginx\s+/m);
    expect((await k("config", "set-context", "--current", "--namespace=new-namespace")).code).toBe(0);
    expect(await names()).toEqual(["nginx"]);
    expect((await k("describe", "namespace", "new-namespace")).stdout).toMatch(
      /No resource quota\.\n\nNo LimitRange resource\./,
    );
    expect((await k("config", "set-context", "--current", "--namespace=default")).code).toBe(0);
  });
});

describe("volumes", () => {
  it("creates the emptyDir and hostPath pods and shows their volumes", async () => {
    expect((await k("create", "-f", manifest("emptydir.yaml"))).stdout.trim()).toBe("pod/centos created");
    expect((await k("apply", "-f", manifest("hostpath.yaml"))).stdout.trim()).toBe(
      "pod/centos-hostpath created",
    );
    const emptyDir = JSON.parse((await k("get", "pod", "centos", "-o", "json")).stdout);
    expect(emptyDir.spec.volumes[0]).toEqual({ name: "cache-volume", emptyDir: {} });
    expect(emptyDir.spec.containers[0].volumeMounts[0]).toMatchObject({
      mountPath: "/cache",
      name: "cache-volume",
    });
    const hostPath = JSON.parse((await k("get", "pod", "centos-hostpath", "-o", "json")).stdout);
    expect(hostPath.spec.volumes[0]).toEqual({ name: "test-volume", hostPath: { path: "/data", type: "" } });
    const described = await k("describe", "pod", "centos-hostpath");
    expect(described.stdout).toMatch(
      /test-volume:\n\s+Type:\s+HostPath \(bare host directory volume\)\n\s+Path:\s+\/data/,
    );
  });

  it("refuses a mount of a volume that does not exist", async () => {
    const r = await kubectl(cluster.sandbox.path, [
      "run",
      "badmount",
      "--image=nginx",
      "--overrides",
      JSON.stringify({
        spec: {
          containers: [
            { name: "badmount", image: "nginx", volumeMounts: [{ name: "nope", mountPath: "/x" }] },
          ],
        },
      }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.containers[0].volumeMounts[0].name: Not found: "nope"');
  });
});
