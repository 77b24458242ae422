// Size budget of the hand-written runtime: dist/index.js minified and gzipped, as a bundler would ship it.
// openapi-fetch is a dependency (about 2 KB gzip on its own) and is not counted here.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { transformSync } from "esbuild";

// 7 KiB until the hardening of issue 11 (no redirects, bounded answers, redaction by value, coded errors
// with literal statuses): about +0.3 KiB. The budget is 8 KiB; every raise is explained here.
const BUDGET_GZIP_BYTES = 8 * 1024;
const code = readFileSync(new URL("../dist/index.js", import.meta.url), "utf8");
const minified = transformSync(code, { minify: true, format: "esm", target: "node20" }).code;
const gz = gzipSync(minified, { level: 9 }).length;
const line = `@paycross/client runtime: ${minified.length} B minified, ${gz} B min+gzip (budget ${BUDGET_GZIP_BYTES} B)`;
if (gz > BUDGET_GZIP_BYTES) {
  console.error(`${line}: OVER BUDGET`);
  process.exit(1);
}
console.log(line);
