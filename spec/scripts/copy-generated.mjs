// tsc emits only what it compiles: the generated declaration file is copied into dist/ beside index.d.ts,
// which re-exports its types.
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync(new URL("../dist/generated/", import.meta.url), { recursive: true });
copyFileSync(
  new URL("../src/generated/schema.d.ts", import.meta.url),
  new URL("../dist/generated/schema.d.ts", import.meta.url),
);
