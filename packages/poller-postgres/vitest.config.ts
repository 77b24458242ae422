import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/pg-server.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
