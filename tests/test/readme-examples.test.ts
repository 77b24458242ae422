/**
 * Every README example, as a user meets it: the published packages packed and installed outside the
 * workspace, each ```ts block type-checked with `tsc --strict` against them, then compiled and run twice
 * in a row against a mock gateway of its own that this test starts (a second run must not die of the
 * duplicate check or of the first run's state; no example sees another's). See ./readme-examples.ts for
 * the block convention.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockGateway, startMockGateway } from "@paycross/mock-gateway";
import { packAndInstall, type RunResult, repoRoot, runCommand } from "@paycross/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  diagnosticsFor,
  type Example,
  examplesOf,
  readmesToCheck,
  thirdPartyImports,
  workspaceVersion,
} from "./readme-examples.js";

const root = repoRoot(import.meta.dirname);
const readmes = readmesToCheck(root);
const examples = readmes.flatMap((r) => examplesOf(root, r));
const work = mkdtempSync(join(tmpdir(), "paycross-readmes-"));
let app = "";
let tsc: RunResult;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023", "DOM"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    moduleDetection: "force", // each example is its own module: no clashes between examples
    strict: true,
    skipLibCheck: false,
    types: ["node"],
    outDir: "out",
    rootDir: "examples",
    noEmitOnError: false,
  },
  include: ["examples"],
};

beforeAll(async () => {
  const devDependencies: Record<string, string> = {};
  for (const name of ["typescript", "@types/node", ...thirdPartyImports(examples)])
    devDependencies[name] = workspaceVersion(root, name);
  ({ app } = await packAndInstall(work, { root, devDependencies }));
  mkdirSync(join(app, "examples"));
  for (const e of examples) writeFileSync(join(app, "examples", e.file), `${e.code}\n`);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  const tscBin = createRequire(join(app, "package.json")).resolve("typescript/bin/tsc");
  // One compilation for all examples (diagnostics are split per README below); it emits even with errors.
  tsc = await runCommand(process.execPath, [tscBin, "-p", "tsconfig.json", "--pretty", "false"], {
    cwd: app,
    timeoutMs: 300_000,
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runTwice(e: Example): Promise<void> {
  const gw = await startMockGateway({ asyncDelayMs: 50, incompleteResolveMs: 100 });
  try {
    await runTwiceAgainst(gw, e);
  } finally {
    await gw.close();
  }
}

async function runTwiceAgainst(gw: MockGateway, e: Example): Promise<void> {
  const env = {
    ...process.env,
    PAYCROSS_SHOP_ID: gw.shopId,
    PAYCROSS_SECRET_KEY: gw.secretKey,
    PAYCROSS_BASE_URL: gw.url,
    PAYCROSS_WEBHOOK_PUBLIC_KEY: gw.webhooks.publicKey,
    PAYCROSS_TASKS_FILE: join(work, `${e.file}.tasks.jsonl`),
  };
  for (const attempt of ["first", "second"]) {
    const r = await runCommand(process.execPath, [join("out", e.file.replace(/\.ts$/, ".js"))], {
      cwd: app,
      env,
      timeoutMs: 60_000,
    });
    const where = `${e.readme}:${e.line} (${attempt} run)`;
    expect(r.timedOut, `${where} still running after 60 s:\n${r.output}`).toBe(false);
    expect(r.status, `${where} exited ${r.status}:\n${r.output}`).toBe(0);
  }
}

describe("README examples", () => {
  it("there are examples to check", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  describe.each(readmes)("%s", (readme) => {
    const mine = examples.filter((e) => e.readme === readme);

    it("type-checks under strict against the packed packages", () => {
      expect(mine.flatMap((e) => diagnosticsFor(tsc.output, e))).toEqual([]);
    });

    it.each(mine.filter((e) => e.run).map((e) => [`line ${e.line}`, e] as const))(
      "the example at %s runs twice in a row",
      async (_at, e) => {
        await runTwice(e);
      },
    );
  });

  it("the compiler reported nothing outside the examples", () => {
    const stray = tsc.output
      .split("\n")
      .filter((l) => /error TS/.test(l) && !examples.some((e) => l.includes(e.file)));
    expect(stray).toEqual([]);
  });
});
