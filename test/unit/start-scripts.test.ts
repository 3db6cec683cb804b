import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeFlags } from "../support/process.ts";

const root = resolve(import.meta.dirname, "..", "..");

// Tests and the bench start the service as `npm start` does; the flags must not drift apart.
describe("package.json's scripts", () => {
  it("run the service and the worker with the node flags the tests use", async () => {
    const { scripts } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    expect(scripts.start).toBe(`node ${nodeFlags.join(" ")} main.ts`);
    expect(scripts.worker).toBe(`node ${nodeFlags.join(" ")} workers/main.ts`);
  });
});
