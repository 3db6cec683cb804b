import { defineConfig } from "vitest/config";
import { testWorkers } from "./test/support/workers.ts";

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
    // Two files at once, each worker on its own database (test/support/global-setup.ts): a file's
    // controllers act on every sandbox of their database, so files never share one.
    maxWorkers: testWorkers,
  },
});
