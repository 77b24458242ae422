import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    // Each file installs, packs or builds a copy of the workspace: minutes, not seconds, on a shared machine.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // One heavy file at a time: they would otherwise compete for the same two cores.
    fileParallelism: false,
  },
});
