/** The README's example, run as written (twice: it must be repeatable) against a loopback mock gateway and the test server. */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMockGateway } from "@paycross/mock-gateway";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "./helpers.js";

const here = fileURLToPath(new URL("..", import.meta.url));
// Inside the package folder, so that `@paycross/poller-postgres` resolves to this package's build.
const scratch = join(here, "test-results", "readme");
const runFile = promisify(execFile);
let url: string;

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  url = await freshDatabase();
});

const examples = [
  ...readFileSync(join(here, "README.md"), "utf8").matchAll(/```ts example[^\n]*\n([\s\S]*?)```/g),
].map((m) => m[1]!);

describe("README", () => {
  it("has an example, and it runs to a completed payment, twice", async () => {
    expect(examples.length).toBeGreaterThan(0);
    const file = join(scratch, "example-0.mjs");
    writeFileSync(file, examples[0]!);
    // The same database both times (migrated once, tasks of the first run still there); a fresh gateway
    // each time, as the same order sent twice to one gateway is a duplicate there.
    for (let i = 0; i < 2; i++) {
      const gw = await startMockGateway({ asyncDelayMs: 50, incompleteResolveMs: 100 });
      try {
        const env = {
          ...process.env,
          DATABASE_URL: url,
          PAYCROSS_SHOP_ID: gw.shopId,
          PAYCROSS_SECRET_KEY: gw.secretKey,
          PAYCROSS_BASE_URL: gw.url,
        };
        const { stdout } = await runFile(process.execPath, [file], {
          env,
          encoding: "utf8",
          timeout: 60_000,
        });
        expect(stdout.trim()).toBe("completed successful");
      } finally {
        await gw.close();
      }
    }
    // Two node processes in a row: ~5 s on a quiet machine, over 30 s beside the chaos run on two busy cores.
  }, 150_000);
});
