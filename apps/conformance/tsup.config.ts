import { defineConfig } from "tsup";
import { tsupBase } from "../../tsup.base.mjs";

// The CLI is an entry of its own; only the library entry has declarations.
export default defineConfig({
  ...tsupBase,
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  dts: { entry: { index: "src/index.ts" } },
});
