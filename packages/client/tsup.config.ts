import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", undici: "src/transport/undici.ts", internal: "src/internal.ts" },
  format: ["esm", "cjs"],
  // The OpenAPI types live with the spec (`@paycross/spec/types`, a dev dependency): inlined into the
  // declarations here, so that users install no spec package (and no ajv) to type-check.
  dts: { resolve: [/^@paycross\/spec\//] },
  target: "node20",
  sourcemap: true,
  clean: true,
  external: ["undici", "@opentelemetry/api"],
});
