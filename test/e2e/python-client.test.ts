import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const run = promisify(execFile);
// Debian's python3-kubernetes lives with Debian's own Python (.ci/install-clients installs it when absent).
const python = "/usr/bin/python3";
const script = join(import.meta.dirname, "..", "fixtures", "python", "client_check.py");

const cluster = useSandbox("python");

describe("the official Python kubernetes client against a sandbox", () => {
  it("lists, creates, patches, reads errors, watches, reviews access, requests tokens and discovers with the kubeconfig as handed out", async () => {
    const { stdout } = await run(python, [script, cluster.sandbox.path], { timeout: 30_000 });
    const seen = JSON.parse(stdout);
    expect(seen.nodes).toEqual(["node-1", "node-2", "node-3"]);
    expect(seen.created_phase).toBe("Active");
    expect(seen.labels).toEqual({ a: "1", b: "2", "kubernetes.io/metadata.name": "from-python" });
    expect(seen.missing_status).toBe(404);
    expect(seen.missing_reason).toBe("NotFound");
    expect(seen.watch).toEqual(["ADDED watched-from-python"]);
    expect(seen.deployment_replicas).toBe(1);
    expect(seen.can_create_pods).toBe(true);
    expect(seen.token_prefix).toBe("eyJ");
    expect(seen.dynamic_deployments).toEqual(["from-python"]);
  });
});
