import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("ssa-e2e");
const k = cluster.kubectl;

async function manifest(labels: Record<string, string>): Promise<string> {
  const file = join(cluster.service.dataDir, "ssa-namespace.yaml");
  const lines = Object.entries(labels).map(([key, v]) => `    ${key}: ${v}\n`);
  await writeFile(
    file,
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ssa\n  labels:\n${lines.join("")}`,
  );
  return file;
}

type Entry = { manager: string; operation: string; fieldsV1: Record<string, unknown> };

describe("kubectl apply --server-side", () => {
  it("creates, then updates after a label changes", async () => {
    const created = await k("apply", "--server-side", "-f", await manifest({ app: "web", team: "a" }));
    expect(created.stderr).toBe("");
    expect(created.stdout.trim()).toBe("namespace/ssa serverside-applied");
    const updated = await k("apply", "--server-side", "-f", await manifest({ app: "web", team: "b" }));
    expect(updated.stdout.trim()).toBe("namespace/ssa serverside-applied");
    expect((await k("get", "ns", "ssa", "-o", "jsonpath={.metadata.labels.team}")).stdout).toBe("b");
  });

  it("refuses to take a field kubectl label set, with kubectl's conflict text", async () => {
    expect((await k("label", "ns", "ssa", "owner=ops")).stdout.trim()).toBe("namespace/ssa labeled");
    const r = await k(
      "apply",
      "--server-side",
      "-f",
      await manifest({ app: "web", team: "b", owner: "dev" }),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        'error: Apply failed with 1 conflict: conflict with "kubectl-label" using v1: .metadata.labels.owner',
        "Please review the fields above--they currently have other managers. Here",
        "are the ways you can resolve this warning:",
        "* If you intend to manage all of these fields, please re-run the apply",
        "  command with the `--force-conflicts` flag.",
        "* If you do not intend to manage all of the fields, please edit your",
        "  manifest to remove references to the fields that should keep their",
        "  current managers.",
        "* You may co-own fields by updating your manifest to match the existing",
        "  value; in this case, you'll become the manager if the other manager(s)",
        "  stop managing the field (remove it from their configuration).",
        "See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts",
        "",
      ].join("\n"),
    );
    expect((await k("get", "ns", "ssa", "-o", "jsonpath={.metadata.labels.owner}")).stdout).toBe("ops");
  });

  it("takes the field with --force-conflicts", async () => {
    const r = await k(
      "apply",
      "--server-side",
      "--force-conflicts",
      "-f",
      await manifest({ app: "web", team: "b", owner: "dev" }),
    );
    expect(r.stdout.trim()).toBe("namespace/ssa serverside-applied");
    expect((await k("get", "ns", "ssa", "-o", "jsonpath={.metadata.labels.owner}")).stdout).toBe("dev");
  });

  it("prints managedFields with --show-managed-fields, and hides them without", async () => {
    expect((await k("get", "ns", "ssa", "-o", "yaml")).stdout).not.toContain("managedFields");
    const r = await k("get", "ns", "ssa", "-o", "yaml", "--show-managed-fields");
    expect(r.stdout).toMatch(/^ {2}managedFields:$/m);
    expect(r.stdout).toContain("    manager: kubectl\n    operation: Apply\n");
    const entries = parse(r.stdout).metadata.managedFields as Entry[];
    expect(entries.map((e) => [e.manager, e.operation])).toEqual([["kubectl", "Apply"]]);
    expect(entries[0]?.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { "f:app": {}, "f:owner": {}, "f:team": {} } },
    });
  });

  it("removes a label the manifest no longer has", async () => {
    await k("apply", "--server-side", "-f", await manifest({ app: "web" }));
    const labels = JSON.parse((await k("get", "ns", "ssa", "-o", "jsonpath={.metadata.labels}")).stdout);
    expect(labels).toEqual({ app: "web", "kubernetes.io/metadata.name": "ssa" });
  });

  it("applies a service account into a namespace and shows both managers after kubectl label", async () => {
    const file = join(cluster.service.dataDir, "ssa-sa.yaml");
    await writeFile(
      file,
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n  namespace: ssa\n  labels:\n    app: robot\n",
    );
    expect((await k("apply", "--server-side", "--field-manager=ci", "-f", file)).stdout.trim()).toBe(
      "serviceaccount/robot serverside-applied",
    );
    await k("label", "sa", "robot", "-n", "ssa", "tier=backend");
    const r = await k("get", "sa", "robot", "-n", "ssa", "-o", "json", "--show-managed-fields");
    const entries = JSON.parse(r.stdout).metadata.managedFields as Entry[];
    expect(entries.map((e) => [e.manager, e.operation, e.fieldsV1])).toEqual([
      ["ci", "Apply", { "f:metadata": { "f:labels": { "f:app": {} } } }],
      ["kubectl-label", "Update", { "f:metadata": { "f:labels": { "f:tier": {} } } }],
    ]);
  });

  it("applies a deployment, then conflicts on replicas kubectl patch changed until forced", async () => {
    const file = join(cluster.service.dataDir, "ssa-deploy.yaml");
    const deployment = (replicas: number) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        "  name: web",
        "  namespace: ssa",
        "spec:",
        `  replicas: ${replicas}`,
        "  selector:",
        "    matchLabels: {app: web}",
        "  template:",
        "    metadata:",
        "      labels: {app: web}",
        "    spec:",
        "      containers:",
        "      - name: nginx",
        "        image: nginx:1.27",
        "",
      ].join("\n");
    await writeFile(file, deployment(2));
    expect((await k("apply", "--server-side", "-f", file)).stdout.trim()).toBe(
      "deployment.apps/web serverside-applied",
    );
    expect(
      (await k("patch", "deployment", "web", "-n", "ssa", "-p", '{"spec":{"replicas":3}}')).stdout.trim(),
    ).toBe("deployment.apps/web patched");
    const refused = await k("apply", "--server-side", "-f", file);
    expect(refused.stderr.split("\n")[0]).toBe(
      'error: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas',
    );
    expect((await k("apply", "--server-side", "--force-conflicts", "-f", file)).stdout.trim()).toBe(
      "deployment.apps/web serverside-applied",
    );
    expect((await k("get", "deploy", "web", "-n", "ssa", "-o", "jsonpath={.spec.replicas}")).stdout).toBe(
      "2",
    );
  });
});
