/**
 * The quick starts of the client, poller and mock-gateway READMEs, run as written against a loopback
 * mock gateway. They live here because this package depends on all three.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMockGateway } from "@paycross/mock-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = fileURLToPath(new URL("..", import.meta.url));
const scratch = join(here, "test-results", "readme");
const tmp = mkdtempSync(join(tmpdir(), "paycross-readme-"));
let gw: Awaited<ReturnType<typeof startMockGateway>>;

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  gw = await startMockGateway({ asyncDelayMs: 50, incompleteResolveMs: 100 });
});
afterAll(async () => {
  await gw.close();
  rmSync(tmp, { recursive: true, force: true });
});

function examples(readme: string): string[] {
  const text = readFileSync(join(here, readme), "utf8");
  return [...text.matchAll(/```ts example\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The poller README's example that contains `marker` (exactly one). */
function example(marker: string): string {
  const found = examples("README.md").filter((c) => c.includes(marker));
  expect(found).toHaveLength(1);
  return found[0]!;
}

// Asynchronous: the gateway answering the example lives in this process's event loop.
const execFileAsync = promisify(execFile);
async function run(name: string, code: string): Promise<string> {
  const file = join(scratch, `${name}.mjs`);
  writeFileSync(file, code);
  const { stdout } = await execFileAsync(process.execPath, [file], {
    cwd: tmp,
    encoding: "utf8",
    timeout: 30_000,
    env: {
      ...process.env,
      PAYCROSS_SHOP_ID: gw.shopId,
      PAYCROSS_SECRET_KEY: gw.secretKey,
      PAYCROSS_BASE_URL: gw.url,
      PAYCROSS_TASKS_FILE: join(tmp, `${name}.jsonl`),
    },
  });
  return stdout;
}

describe("README examples run as written", () => {
  it("@paycross/client quick start", async () => {
    const [code] = examples("../client/README.md");
    const out = await run("client", code!);
    expect(out).toMatch(/^successful [0-9a-f-]{36} [0-9a-f-]{36}$/m);
    expect(out).toMatch(/^422 \{ amount: \[ 'must be at most 1999' \] \}$/m);
    expect(out).toMatch(/^completed$/m);
  });

  it("@paycross/poller quick start", async () => {
    const [code] = examples("README.md");
    expect(await run("poller", code!)).toMatch(/^transaction successful$/m);
    // Again: a second run resumes the first run's file and still succeeds.
    expect(await run("poller", code!)).toMatch(/^transaction successful$/m);
  });

  it("@paycross/poller worker mode", async () => {
    const code = example('mode: "worker"');
    expect(await run("poller-worker", code)).toMatch(/^worker mode completed 0 true$/m);
  });

  it("@paycross/poller onCorrected wiring (the behaviour: read-once-takeover.ts)", async () => {
    const code = example("onCorrected");
    expect(await run("poller-corrected", code)).toBe(""); // nothing to correct: it runs and closes
  });

  it("@paycross/poller pollDelay with the task's real age", async () => {
    const code = example("pollDelay(");
    expect(await run("poller-delay", code)).toBe("pollDelay 9000 1000\n");
  });

  it("@paycross/mock-gateway quick start", async () => {
    const [code] = examples("../mock-gateway/README.md");
    expect((await run("mock", code!)).trim().split("\n")).toEqual(["processing", "completed", "unknown"]);
  });
});
