#!/usr/bin/env node
// A committed launcher: it exists before the build, so `pnpm install` on a fresh clone can link the
// bin (dist/ does not exist yet then). The CLI itself is built into dist/.
try {
  await import("../dist/cli.js");
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("dist/cli.js")) throw e;
  process.stderr.write("paycross-mock-gateway: not built yet; run `pnpm build` first.\n");
  process.exit(2);
}
