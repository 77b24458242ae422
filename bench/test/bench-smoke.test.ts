/**
 * The benchmarks' smoke mode, as CI runs it: every benchmark must run to the end, no task may be lost,
 * and a quick run must never write BENCHMARKS.md. Timings are printed, never asserted.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../run.mjs", import.meta.url));
const benchmarksMd = fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url));

describe("pnpm bench --quick", () => {
  it("runs every benchmark to the end, says it is a smoke run, and writes nothing", {
    timeout: 400_000,
  }, async () => {
    const before = statSync(benchmarksMd).mtimeMs;
    const { stdout } = await run(process.execPath, [script, "--quick"], {
      maxBuffer: 16 * 2 ** 20,
      timeout: 390_000,
    });
    process.stdout.write(stdout);
    expect(stdout).toMatch(/^QUICK smoke run/);
    for (const name of ["gateway", "client", "poller", "webhooks", "scale", "workers", "conformance"])
      expect(stdout).toContain(`=== ${name} (quick)`);
    expect(stdout).toMatch(/every task of every variant completed .*\| 0 not completed \| \*\*met\*\*/);
    expect(stdout).toMatch(/benchmarks \(QUICK smoke run\) finished/);
    expect(statSync(benchmarksMd).mtimeMs).toBe(before);
  });

  it("answers --help with exit 0 and an unknown benchmark with exit 2", { timeout: 60_000 }, async () => {
    const help = await run(process.execPath, [script, "--help"]);
    expect(help.stdout).toContain("--quick");
    const bad = await run(process.execPath, [script, "--only", "nope"]).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown benchmark: nope");
  });
});
