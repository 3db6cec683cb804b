import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kindByResource } from "../../kube/kinds/index.ts";
import { tutorialManifests, useSandbox } from "../support/service.ts";

const manifests = tutorialManifests;
/** The limit example of the Kubernetes docs the tutorial follows: Pod and Container bounds. */
const myLimits = `apiVersion: v1
kind: LimitRange
metadata:
  name: mylimits
spec:
  limits:
  - max:
      cpu: "2"
      memory: 1Gi
    min:
      cpu: 200m
      memory: 6Mi
    type: Pod
  - default:
      cpu: 300m
      memory: 200Mi
    defaultRequest:
      cpu: 200m
      memory: 100Mi
    max:
      cpu: "2"
      memory: 1Gi
    min:
      cpu: 100m
      memory: 3Mi
    type: Container
`;

const cluster = useSandbox("quota-e2e");
const k = cluster.kubectl;

/** The lines of a describe table, runs of spaces collapsed. */
function rows(text: string): string[] {
  return text.split("\n").map((l) => l.trim().replace(/\s+/g, " "));
}

describe("the tutorial's LimitRange section with the real kubectl", () => {
  it("creates the tutorial's LimitRange in its namespace and shows it on the namespace", async () => {
    expect((await k("create", "namespace", "new-namespace")).stdout.trim()).toBe(
      "namespace/new-namespace created",
    );
    const none = await k("describe", "namespace", "new-namespace");
    expect(rows(none.stdout)).toEqual(
      expect.arrayContaining(["No resource quota.", "No LimitRange resource."]),
    );
    const created = await k("create", "-f", join(manifests, "resourcelimit.yaml"));
    expect(created.stdout.trim()).toBe("limitrange/limits created");
    const get = await k("get", "limitrange", "-n", "new-namespace");
    expect(get.stdout).toMatch(/^NAME\s+CREATED AT\nlimits\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    const described = rows((await k("describe", "namespace", "new-namespace")).stdout);
    expect(described).toEqual(
      expect.arrayContaining([
        "No resource quota.",
        "Resource Limits",
        "Type Resource Min Max Default Request Default Limit Max Limit/Request Ratio",
        "Container memory - - 256Mi 512Mi -",
      ]),
    );
  });

  it("describes mylimits in limit-example as a table of bounds", async () => {
    expect((await k("create", "namespace", "limit-example")).stdout.trim()).toBe(
      "namespace/limit-example created",
    );
    // The tutorial's manifest names its own namespace, so kubectl itself refuses another one.
    const elsewhere = await k(
      "create",
      "-f",
      join(manifests, "resourcelimit.yaml"),
      "--namespace=limit-example",
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('does not match the namespace "limit-example"');
    const file = join(cluster.service.dataDir, "limits.yaml");
    await writeFile(file, myLimits);
    expect((await k("create", "-f", file, "--namespace=limit-example")).stdout.trim()).toBe(
      "limitrange/mylimits created",
    );
    const described = await k("describe", "limits", "mylimits", "--namespace=limit-example");
    expect(described.code).toBe(0);
    const lines = rows(described.stdout);
    expect(lines.slice(0, 4)).toEqual([
      "Name: mylimits",
      "Namespace: limit-example",
      "Type Resource Min Max Default Request Default Limit Max Limit/Request Ratio",
      "---- -------- --- --- --------------- ------------- -----------------------",
    ]);
    // kubectl prints each item's resources in map order; compare as a set.
    expect(lines.slice(4).filter(Boolean).sort()).toEqual([
      "Container cpu 100m 2 200m 300m -",
      "Container memory 3Mi 1Gi 100Mi 200Mi -",
      "Pod cpu 200m 2 - - -",
      "Pod memory 6Mi 1Gi - - -",
    ]);
    const ns = rows((await k("describe", "namespace", "limit-example")).stdout);
    expect(ns).toEqual(
      expect.arrayContaining([
        "Resource Limits",
        "Pod cpu 200m 2 - - -",
        "Container memory 3Mi 1Gi 100Mi 200Mi -",
      ]),
    );
  });

  it("creates a quota from the command line and describes its usage at once", async () => {
    expect(
      (await k("create", "quota", "q", "--hard=pods=2,configmaps=3", "-n", "limit-example")).stdout.trim(),
    ).toBe("resourcequota/q created");
    expect(
      (await k("create", "configmap", "game", "--from-literal=lives=3", "-n", "limit-example")).stdout.trim(),
    ).toBe("configmap/game created");
    expect(rows((await k("describe", "quota", "q", "-n", "limit-example")).stdout)).toEqual([
      "Name: q",
      "Namespace: limit-example",
      "Resource Used Hard",
      "-------- ---- ----",
      // kube-root-ca.crt, which every namespace gets, counts too.
      "configmaps 2 3",
      "pods 0 2",
      "",
    ]);
    const get = await k("get", "quota", "-n", "limit-example");
    expect(get.stdout).toMatch(/^NAME\s+REQUEST\s+LIMIT\s+AGE\nq\s+configmaps: 2\/3, pods: 0\/2\s+\d+s\n$/);
    expect(rows((await k("get", "cm", "game", "-n", "limit-example")).stdout)[1]).toMatch(/^game 1 \d+s$/);
    const ns = rows((await k("describe", "namespace", "limit-example")).stdout);
    expect(ns).toEqual(expect.arrayContaining(["Resource Quotas", "Name: q", "configmaps 2 3", "pods 0 2"]));
  });

  it.runIf(kindByResource("", "v1", "pods") !== undefined)(
    "defaults a pod from the LimitRange, charges it to the quota, and refuses one too big",
    async () => {
      expect((await k("run", "nginx", "--image=nginx", "-n", "limit-example")).stdout.trim()).toBe(
        "pod/nginx created",
      );
      const resources = await k(
        "get",
        "pod",
        "nginx",
        "-n",
        "limit-example",
        "-o",
        "jsonpath={.spec.containers[0].resources.limits.memory} {.spec.containers[0].resources.requests.cpu}",
      );
      expect(resources.stdout).toBe("200Mi 200m");
      expect(rows((await k("describe", "quota", "q", "-n", "limit-example")).stdout)).toContain("pods 1 2");
      const big = await k(
        "run",
        "big",
        "--image=nginx",
        "-n",
        "limit-example",
        "--overrides",
        JSON.stringify({
          spec: { containers: [{ name: "big", image: "nginx", resources: { limits: { cpu: "3" } } }] },
        }),
      );
      expect(big.code).toBe(1);
      expect(big.stderr.trim()).toBe(
        'Error from server (Forbidden): pods "big" is forbidden: [maximum cpu usage per Pod is 2, but limit is 3, maximum cpu usage per Container is 2, but limit is 3]',
      );
    },
  );
});
