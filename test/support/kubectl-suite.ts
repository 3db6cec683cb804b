import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type KubectlResult, kubectlAt, tutorialManifests, useSandbox } from "./service.ts";

/** A kubectl binary of a given minor version, and where it comes from. */
export interface KubectlVersion {
  minor: number;
  binary: string;
  /** Where the binary comes from, for the failure when it is missing. */
  source: string;
}

/** The Google Cloud SDK's bundled kubectl of a minor version (1.27 to 1.33 on these machines). */
export function bundledKubectl(minor: number): KubectlVersion {
  return {
    minor,
    binary: `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`,
    source: "the machine image's Google Cloud SDK",
  };
}

const deployment = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
        resources:
          limits: {cpu: 500m, memory: 128Mi}
`;

const unknownField = `apiVersion: v1
kind: ConfigMap
metadata:
  name: typo
bogus: 1
data:
  a: b
`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
`;

/**
 * What every kubectl version a learner may bring must do against a sandbox: the tutorial's
 * create and apply (client-side, with the validation each version does, and server-side),
 * explain, get, describe, scale, rollout, label, patch, diff, the auth commands it has, delete.
 * Each version speaks its own dialect (OpenAPI v2 protobuf up to 1.28, v3 after; client-side
 * validation up to 1.24, server-side after), which is what this checks.
 */
export function describeKubectl(version: KubectlVersion): void {
  const cluster = useSandbox(`kubectl-1-${version.minor}`);
  const k = (...args: string[]): Promise<KubectlResult> =>
    kubectlAt(version.binary, cluster.sandbox.path, args);
  const file = (name: string) => join(cluster.service.dataDir, name);
  const ok = (result: KubectlResult) => {
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    if (!existsSync(version.binary))
      throw new Error(
        `kubectl 1.${version.minor} is not at ${version.binary} (${version.source}): run .ci/install-clients`,
      );
    await writeFile(file("web.yaml"), deployment("nginx:1.27"));
    await writeFile(file("web-2.yaml"), deployment("nginx:1.28", 3));
    await writeFile(file("typo.yaml"), unknownField);
    await writeFile(file("settings.yaml"), configMap);
  });

  describe(`kubectl 1.${version.minor}`, () => {
    it("is the version it says, and sees the sandbox's nodes", async () => {
      expect(ok(await k("version", "--client", "-o", "json"))).toContain(`"minor": "${version.minor}"`);
      expect(ok(await k("get", "nodes")).match(/ Ready /g)).toHaveLength(3);
    });

    it("creates the tutorial's pod from its YAML, validating it, and refuses an unknown field", async () => {
      expect(ok(await k("create", "-f", join(tutorialManifests, "my-first.pod.yaml")))).toContain("created");
      const typo = await k("create", "-f", file("typo.yaml"));
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('unknown field "bogus"');
    });

    it("applies a deployment client-side: created, configured, unchanged", async () => {
      expect(ok(await k("apply", "-f", file("web.yaml")))).toBe("deployment.apps/web created\n");
      expect(ok(await k("apply", "-f", file("web-2.yaml")))).toBe("deployment.apps/web configured\n");
      expect(ok(await k("apply", "-f", file("web-2.yaml")))).toBe("deployment.apps/web unchanged\n");
      const image = await k(
        "get",
        "deployment",
        "web",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
      );
      expect(ok(image)).toBe("nginx:1.28");
      expect(ok(await k("rollout", "status", "deployment/web", "--timeout=60s"))).toContain(
        "successfully rolled out",
      );
    });

    it("applies server-side", async () => {
      expect(ok(await k("apply", "--server-side", "-f", file("settings.yaml")))).toBe(
        "configmap/settings serverside-applied\n",
      );
      const managers = await k(
        "get",
        "configmap",
        "settings",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
      );
      expect(ok(managers)).toBe("kubectl");
    });

    it("explains fields from the served OpenAPI documents", async () => {
      const replicas = ok(await k("explain", "deployment.spec.replicas"));
      expect(replicas).toMatch(/KIND:\s+Deployment/);
      expect(replicas).toContain("Number of desired pods.");
      expect(ok(await k("explain", "pods.spec.containers.imagePullPolicy"))).toContain("Image pull policy.");
      // A kind of k8s.io/apiextensions-apiserver, described as the API server describes it.
      expect(ok(await k("explain", "crd.spec.names.kind"))).toContain(
        "kind is the serialized kind of the resource.",
      );
    });

    it("gets, describes, scales, labels and patches", async () => {
      expect(ok(await k("get", "pods", "-o", "wide"))).toMatch(
        /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/,
      );
      expect(ok(await k("describe", "deployment", "web"))).toMatch(/Replicas:\s+3 desired/);
      expect(ok(await k("scale", "deployment", "web", "--replicas=1"))).toBe("deployment.apps/web scaled\n");
      expect(ok(await k("label", "deployment", "web", "tier=front"))).toBe("deployment.apps/web labeled\n");
      expect(ok(await k("label", "deployment", "web", "tier=back", "--overwrite"))).toBe(
        "deployment.apps/web labeled\n",
      );
      const patched = await k("patch", "configmap", "settings", "-p", '{"data":{"size":"L"}}');
      expect(ok(patched)).toBe("configmap/settings patched\n");
      expect(ok(await k("get", "configmap", "settings", "-o", "jsonpath={.data.size}"))).toBe("L");
    });

    it("diffs a manifest against the live object", async () => {
      // The live deployment runs nginx:1.28 (web-2.yaml); web.yaml says 1.27: diff shows it and exits 1.
      const changed = await k("diff", "-f", file("web.yaml"));
      expect(changed.code, changed.stderr).toBe(1);
      expect(changed.stdout).toMatch(/^-\s+- image: nginx:1\.28$/m);
      expect(changed.stdout).toMatch(/^\+\s+- image: nginx:1\.27$/m);
      expect(
        ok(await k("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")),
      ).toBe("nginx:1.28");
    });

    it("answers auth can-i, and the token and whoami commands where the version has them", async () => {
      expect(ok(await k("auth", "can-i", "create", "pods"))).toBe("yes\n");
      if (version.minor >= 24)
        expect(ok(await k("create", "token", "default"))).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n?$/);
      // authentication.k8s.io/v1 since 1.28; 1.27 asks for v1beta1, off by default on a 1.32 cluster.
      if (version.minor >= 28)
        expect(ok(await k("auth", "whoami"))).toMatch(/Username\s+kubectl-1-\d+-.*@example\.com/);
    });

    it("deletes what the manifests made", async () => {
      expect(ok(await k("delete", "-f", file("web.yaml")))).toBe('deployment.apps "web" deleted\n');
      expect(ok(await k("delete", "-f", file("settings.yaml")))).toBe('configmap "settings" deleted\n');
    });
  });
}
