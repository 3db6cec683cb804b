import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useSandbox } from "../support/service.ts";

const cluster = useSandbox("decoding");
const k = cluster.kubectl;

/** A pod manifest with a misspelled container field. */
const misspelled = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: web
    image: nginx
    imagee: nginx:1.27
`;

describe("kubectl and the server's field validation", () => {
  it("refuses a misspelled field on create, with the API server's words", async () => {
    const file = join(cluster.service.dataDir, "f.yaml");
    await writeFile(file, misspelled("typo"));
    const r = await k("create", "-f", file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"`,
    );
    expect((await k("get", "pod", "typo")).code).toBe(1);
  });

  it("creates it with --validate=warn, printing the warning", async () => {
    const file = join(cluster.service.dataDir, "warn.yaml");
    await writeFile(file, misspelled("typo-warn"));
    const r = await k("create", "--validate=warn", "-f", file);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('Warning: unknown field "spec.containers[0].imagee"');
    expect(r.stdout.trim()).toBe("pod/typo-warn created");
    const got = await k("get", "pod", "typo-warn", "-o", "jsonpath={.spec.containers[0]}");
    expect(JSON.parse(got.stdout)).not.toHaveProperty("imagee");
  });
});
