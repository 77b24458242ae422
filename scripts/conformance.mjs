// `pnpm conformance [options]`: builds the suite and what it depends on, then runs it with the options
// given. The build prints nothing unless it fails (and is quick when nothing changed: turbo's cache), so a
// first line says what the wait is for (issue 17: the command used to sit silent before its first line).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.stderr.write("building the conformance suite (quick when it is up to date)...\n");
const build = spawnSync(
  "turbo",
  ["run", "build", "--filter=@paycross/conformance...", "--output-logs=errors-only"],
  { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);
if (build.status !== 0) {
  process.stderr.write(
    `the build failed (turbo exit ${build.status ?? build.signal}); nothing was checked\n`,
  );
  process.exit(2);
}
const run = spawnSync(process.execPath, [`${root}apps/conformance/dist/cli.js`, ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 2);
