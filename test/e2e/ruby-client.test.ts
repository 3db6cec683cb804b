import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const run = promisify(execFile);
// Debian's ruby-kubeclient, for Debian's Ruby (.ci/install-clients installs both).
const ruby = "/usr/bin/ruby";
const script = join(import.meta.dirname, "..", "fixtures", "ruby", "client_check.rb");

const cluster = useSandbox("ruby");

describe("Ruby's kubeclient against a sandbox", () => {
  it("discovers, lists, creates, patches (strategic, merge, JSON, apply), reads errors, watches and deletes", async () => {
    const { stdout } = await run(ruby, [script, cluster.sandbox.path], { timeout: 45_000 });
    const seen = JSON.parse(stdout);
    expect(seen.discovered).toBe(true);
    expect(seen.nodes).toEqual(["node-1", "node-2", "node-3"]);
    expect(seen.labels).toEqual({ a: "1", b: "2", "kubernetes.io/metadata.name": "from-ruby" });
    expect(seen.data).toEqual({ color: "blue", size: "L" });
    expect(seen.after_json_patch).toEqual({ size: "L" });
    expect(seen.applied_managers).toEqual(["ruby"]);
    expect(seen.deployment_uid).toBe(true);
    expect(seen.missing_status).toBe(404);
    expect(seen.missing_message).toBe('configmaps "missing" not found');
    expect(seen.watch).toEqual(["ADDED watched"]);
    expect(seen.running_pods).toBe(2);
    expect(seen.deleted).toBe(true);
  });
});
