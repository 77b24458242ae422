import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "paycross-client-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pnpm = (args: string[], cwd: string) =>
  execFileSync("npx", ["--yes", "pnpm@10.34.9", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

describe("the packed tarball", () => {
  it("installs outside the workspace, imports (ESM and CJS) and type-checks", { timeout: 600_000 }, () => {
    pnpm(["pack", "--pack-destination", work], pkgDir);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();
    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        type: "module",
        dependencies: { "@paycross/client": `file:../${tarball}` },
      }),
    );
    writeFileSync(
      join(app, "main.ts"),
      `import { createClient, PayCrossValidationError, type Transaction } from "@paycross/client";
const client = createClient({ shopId: 1, secretKey: "k", baseUrl: "http://127.0.0.1:9" });
const status: Transaction["status"] = "successful";
void client.payments.create({ amount: 1, currency: "USD", description: "x", credit_card: { token: "t" } });
// @ts-expect-error wrong field
void client.payments.create({ amont: 1 });
console.log(typeof createClient, typeof PayCrossValidationError, status);
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
          lib: ["ES2022", "DOM"],
        },
        files: ["main.ts"],
      }),
    );
    pnpm(["install", "--prefer-offline", "--ignore-workspace"], app);
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
    // One line of output from a snippet run in the consumer project, as ESM or as CommonJS.
    const node = (code: string, esm = true) =>
      execFileSync(process.execPath, [...(esm ? ["--input-type=module"] : []), "-e", code], {
        cwd: app,
        encoding: "utf8",
      }).trim();
    expect(
      node('import("@paycross/client").then(m => console.log(Object.keys(m).includes("createClient")))'),
    ).toBe("true");
    expect(node('console.log(typeof require("@paycross/client").createClient)', false)).toBe("function");
    const internal = node(
      'import("@paycross/client/internal").then(m => console.log(typeof m.MinHeap, typeof m.classifyResult))',
    );
    expect(internal).toBe("function function");
  });
});
