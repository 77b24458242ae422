import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The machine is shared (2 cores, many processes): bounds are generous, nothing asserts a timing.
    testTimeout: 30_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
