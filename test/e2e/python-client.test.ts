import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { removeDataDir, type Service, sandboxKubeconfig, startService } from "../support/service.ts";

const run = promisify(execFile);
// Debian's python3-kubernetes lives with Debian's own Python (.ci/run installs it when absent).
const python = "/usr/bin/python3";
const script = join(import.meta.dirname, "..", "fixtures", "python", "client_check.py");

let service: Service;
let kubeconfig: string;

beforeAll(async () => {
  service = await startService(inject("databaseUrl"));
  kubeconfig = (await sandboxKubeconfig(service, "python")).path;
});

afterAll(async () => {
  await service?.stop();
  await removeDataDir(service.dataDir);
});

describe("the official Python kubernetes client against a sandbox", () => {
  it("lists, creates, patches, reads errors and watches with the kubeconfig as handed out", async () => {
    const { stdout } = await run(python, [script, kubeconfig], { timeout: 30_000 });
    const seen = JSON.parse(stdout);
    expect(seen.nodes).toEqual(["node-1", "node-2", "node-3"]);
    expect(seen.created_phase).toBe("Active");
    expect(seen.labels).toEqual({ a: "1", b: "2", "kubernetes.io/metadata.name": "from-python" });
    expect(seen.missing_status).toBe(404);
    expect(seen.missing_reason).toBe("NotFound");
    expect(seen.watch).toEqual(["ADDED watched-from-python"]);
  });
});
