import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM copies; yoga's dependencies load the CJS one, so tests must too,
    // or a GraphQLError thrown by a resolver is not recognised and gets masked.
    alias: { graphql: "graphql/index.js" },
  },
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".data/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One file at a time (vitest's default on two cores): every file shares the suite's database,
    // and with it the queue, so a file running controllers would act on another file's sandboxes
    // that expect none (the Lambda integration files').
  },
});
