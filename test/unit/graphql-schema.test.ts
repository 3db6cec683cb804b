import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { typeDefs } from "../../schema.graphql.ts";

describe("schema.graphql.ts", () => {
  it("holds schema.graphql as it is (regenerate with `node tools/gen-graphql-schema.ts`)", () => {
    const sdl = readFileSync(join(import.meta.dirname, "..", "..", "schema.graphql"), "utf8");
    expect(typeDefs).toBe(sdl);
  });
});
