import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { zip } from "../../serverless/build/zip.ts";

const run = promisify(execFile);

describe("the Lambda package's zip", () => {
  it("is read back whole by another zip reader (Python's zipfile)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kubesandbox-zip-"));
    try {
      const code = Buffer.from(`export const handler = () => "${"x".repeat(5000)}";\n`);
      const other = Buffer.from([0, 1, 2, 255, 254, 253]);
      await writeFile(
        join(dir, "p.zip"),
        zip([
          { name: "index.mjs", data: code },
          { name: "bin/data", data: other },
        ]),
      );
      const { stdout } = await run("python3", ["-m", "zipfile", "-t", join(dir, "p.zip")]);
      expect(stdout).toContain("Done testing");
      await run("python3", ["-m", "zipfile", "-e", join(dir, "p.zip"), join(dir, "out")]);
      expect(await readFile(join(dir, "out", "index.mjs"))).toEqual(code);
      expect(await readFile(join(dir, "out", "bin", "data"))).toEqual(other);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
