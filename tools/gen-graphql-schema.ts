/**
 * Regenerates schema.graphql.ts from schema.graphql: the SDL as a string module, so the GraphQL
 * endpoint imports its schema instead of reading a file, and runs where there is no filesystem
 * (a serverless runtime). schema.graphql stays the contract people edit; test/unit/graphql-schema.test.ts
 * fails when the two differ.
 *
 *   node tools/gen-graphql-schema.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const sdl = readFileSync(join(root, "schema.graphql"), "utf8");
// A template literal: backslashes, backticks and `${` escaped, so the string is the file, byte for byte.
const literal = sdl.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
writeFileSync(
  join(root, "schema.graphql.ts"),
  [
    "// Generated from schema.graphql by tools/gen-graphql-schema.ts. Do not edit: edit schema.graphql and",
    "// run `node tools/gen-graphql-schema.ts`.",
    "",
    "/** The GraphQL contract (schema.graphql), SDL first. */",
    `export const typeDefs = \`${literal}\`;`,
    "",
  ].join("\n"),
);
