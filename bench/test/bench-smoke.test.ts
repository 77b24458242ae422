/**
 * The benchmarks' smoke mode, as CI runs it: every benchmark must run to the end and the poller must lose
 * or duplicate no outcome. Timings are printed, never asserted.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("pnpm bench --quick", () => {
  it("runs every benchmark to the end without a lost outcome", { timeout: 180_000 }, async () => {
    const script = fileURLToPath(new URL("../run.mjs", import.meta.url));
    const { stdout } = await run(process.execPath, [script, "--quick"], {
      maxBuffer: 16 * 2 ** 20,
      timeout: 170_000,
    });
    process.stdout.write(stdout);
    for (const section of ["## client", "## gateway", "## poller", "## conformance"])
      expect(stdout).toContain(section);
    expect(stdout).toMatch(/lost 0, duplicated 0, not completed 0/);
    expect(stdout).toMatch(/exit 0, \d+ results, 0 failed/);
  });
});
