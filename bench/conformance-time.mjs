// 4. Conformance wall time against the embedded mock, and (full mode) a cold install + build.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, root, table } from "./lib.mjs";

export async function conformanceTime({ quick }) {
  const cli = join(root, "apps", "conformance", "dist", "cli.js");
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [cli, "--reporter", "json"], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const wall = (performance.now() - t0) / 1000;
  const report = JSON.parse(run.stdout);
  const rows = [
    [
      "conformance, embedded mock, all suites",
      `${fmt(wall, 1)} s`,
      `exit ${run.status}, ${report.results.length} results, ${report.failed} failed`,
    ],
  ];
  if (!quick) {
    const dir = mkdtempSync(join(tmpdir(), "paycross-cold-"));
    try {
      execFileSync("git", ["clone", "-q", root, dir]);
      const pnpm = (args) => {
        const t = performance.now();
        execFileSync("npx", ["--yes", "pnpm@10.34.9", ...args], { cwd: dir, stdio: "ignore" });
        return (performance.now() - t) / 1000;
      };
      const install = pnpm(["install", "--frozen-lockfile"]);
      const build = pnpm(["run", "build", "--force"]);
      rows.push(["cold pnpm install --frozen-lockfile (warm store)", `${fmt(install, 1)} s`, "report only"]);
      rows.push(["cold pnpm build --force (turbo cache bypassed)", `${fmt(build, 1)} s`, "report only"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    title: "Conformance and build wall time",
    text: [
      table(["what", "wall time", "note"], rows),
      "",
      `- Target: full conformance suite under 30 s: **${fmt(wall, 1)} s**: ${wall < 30 && run.status === 0 ? "met" : "missed"}.`,
    ].join("\n"),
    checks: { wall, exit: run.status, failed: report.failed },
  };
}
