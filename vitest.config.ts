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
    // Two files at once on two cores (the default leaves one core idle): most of a file's time is
    // waiting — on Postgres, kubectl, a pod's start — not computing.
    maxWorkers: 2,
  },
});
