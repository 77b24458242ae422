import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", undici: "src/transport/undici.ts", internal: "src/internal.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  sourcemap: true,
  clean: true,
  external: ["undici", "@opentelemetry/api"],
});
