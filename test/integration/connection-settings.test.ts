import { describe, expect, it } from "vitest";
import { testDatabase } from "../support/db.ts";

const database = testDatabase();

describe("the service's connections to Postgres", () => {
  it("never compile a statement with JIT: a fork's copy spent longer compiling than running", async () => {
    const [row] = await database.sql<{ jit: string }[]>`SELECT current_setting('jit') AS jit`;
    expect(row?.jit).toBe("off");
  });
});
