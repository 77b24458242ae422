import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.mjs";

export default defineConfig({
  ...tsupBase,
  entry: { index: "src/index.ts", undici: "src/transport/undici.ts", internal: "src/internal.ts" },
  // CommonJS too: the client is the package most often required from older code.
  format: ["esm", "cjs"],
  // The OpenAPI types live with the spec (`@paycross/spec/types`, a dev dependency): inlined into the
  // declarations here, so that users install no spec package (and no ajv) to type-check.
  dts: { resolve: [/^@paycross\/spec\//] },
  external: ["undici", "@opentelemetry/api"],
});
