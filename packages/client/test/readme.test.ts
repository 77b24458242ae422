/**
 * The README's TypeScript examples type-check under `strict` (and `exactOptionalPropertyTypes`) against
 * the package's entry points, and the one that needs no gateway runs as written. The quick start is run
 * against the mock gateway by @paycross/poller's README test (the mock depends on this package).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const blocks = [
  ...readFileSync(join(pkg, "README.md"), "utf8").matchAll(/```ts(?: example)?\n([\s\S]*?)```/g),
].map((m) => m[1]!);

describe("README examples", () => {
  it(`all ${blocks.length} TypeScript blocks compile under strict`, { timeout: 300_000 }, () => {
    const dir = join(pkg, "test-results", "readme");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((code, i) => {
      const file = `example-${i}.ts`;
      writeFileSync(join(dir, file), `${code}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(pkg, "node_modules", "@types"), join(pkg, "../../node_modules/@types")],
          paths: {
            "@paycross/client": [join(pkg, "src/index.ts")],
            "@opentelemetry/api": [join(pkg, "node_modules/@opentelemetry/api")],
          },
        },
        files,
      }),
    );
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const out = (() => {
      try {
        return execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    })();
    expect(out).toBe("");
  });

  it("the redaction example prints what the README says", async () => {
    const code = blocks.find((b) => b.includes("client.redact("))!;
    const { createClient } = await import("../src/index.js");
    const lines: string[] = [];
    const fn = new Function("createClient", "console", code.replace(/^import .*$/m, ""));
    fn(createClient, { log: (x: string) => lines.push(x) });
    expect(lines).toEqual([
      "card ****0000 key [REDACTED]",
      '{"credit_card":{"number":"****0000","verification_value":"[REDACTED]"}}',
    ]);
  });
});
