#!/usr/bin/env node
// The one test command: regenerate and fail on stale generated code, then lint, typecheck and test every
// package through turbo, then print the totals of every package's vitest JSON report as
// `N passed, N failed` so that a run which executed no test is visible.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const turbo = join(root, "node_modules", ".bin", "turbo");
// turbo looks for the pinned pnpm on PATH; the workspace installs it as a dev dependency.
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
};
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env }).status ?? 1;

let failedSteps = 0;
if (run(turbo, ["run", "generate", "--output-logs=errors-only"]) !== 0) failedSteps++;
const stale = spawnSync(
  "git",
  [
    "status",
    "--porcelain",
    "--",
    ":(glob)spec/src/generated/**",
    ":(glob)packages/*/src/generated/**",
    ":(glob)apps/*/src/generated/**",
  ],
  {
    cwd: root,
    encoding: "utf8",
  },
);
if (stale.status === 0 && stale.stdout.trim()) {
  // In CI (a clean checkout) any change means the committed generated code is stale: fail. Locally it is
  // the regeneration you just made: say so, and let the commit carry it.
  const message = `Generated code differs from the commit (run \`pnpm generate\` and commit it):\n${stale.stdout}`;
  console.error(message);
  if (process.env.CI) failedSteps++;
}
// Two tasks at a time on two cores: the suites start servers and child processes, and the timing-sensitive
// ones (the 10,000-task poller run, the browser) stay far from their limits.
if (
  run(turbo, [
    "run",
    "lint",
    "typecheck",
    "test",
    "api:check",
    "--continue",
    "--concurrency=2",
    ...process.argv.slice(2),
  ]) !== 0
)
  failedSteps++;

let passed = 0;
let failed = 0;
// Every workspace package as pnpm lists it, so a new one is counted without editing this file.
const pnpm = join(root, "node_modules", "pnpm", "bin", "pnpm.cjs");
const listed = spawnSync(process.execPath, [pnpm, "ls", "-r", "--depth", "-1", "--json"], {
  cwd: root,
  encoding: "utf8",
});
if (listed.status !== 0) {
  console.error(`pnpm ls failed: ${listed.stderr}`);
  failedSteps++;
}
for (const { path: dir } of listed.status === 0 ? JSON.parse(listed.stdout) : []) {
  const report = join(dir, "test-results", "vitest.json");
  if (!existsSync(report)) continue;
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests ?? 0;
  failed += (json.numFailedTests ?? 0) + (json.success === false && !json.numFailedTests ? 1 : 0);
}
if (failedSteps > 0) console.error(`${failedSteps} step(s) failed: see the output above.`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps > 0 || failed > 0 || passed === 0 ? 1 : 0);
