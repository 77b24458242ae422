// Conformance wall time: the whole suite against the embedded mock (what `paycross-conformance` with no
// arguments does), and against a mock in another process reached as a remote target at 10 req/s (the
// CLI's default rate for remote gateways).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { barSpread } from "../lib/plot.mjs";
import { root, startMock } from "../lib/proc.mjs";
import { fmt, fmtSpread, target } from "../lib/report.mjs";
import { spread } from "../lib/stats.mjs";

const cli = join(root, "apps", "conformance", "dist", "cli.js");

const preload = fileURLToPath(new URL("../lib/cpu-at-exit.mjs", import.meta.url));

function run(args) {
  const dir = mkdtempSync(join(tmpdir(), "paycross-conf-"));
  const cpuFile = join(dir, "cpu");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", preload, cli, "--reporter", "json", ...args], {
    env: { ...process.env, BENCH_CPU_FILE: cpuFile },
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    timeout: 300_000,
  });
  const wall = (performance.now() - t0) / 1000;
  let cpu = Number.NaN;
  try {
    cpu = Number(readFileSync(cpuFile, "utf8")) / 1e6;
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`conformance printed no JSON report (exit ${r.status}): ${r.stderr.slice(0, 1000)}`);
  }
  const failedChecks = [...new Set(report.results.filter((x) => x.status === "failed").map((x) => x.check))];
  return {
    failedChecks,
    wall,
    cpu,
    exit: r.status,
    results: report.results.length,
    failed: report.failed,
    reported: report.durationMs / 1000,
  };
}

/** One run against a mock in another process, as a remote target at the CLI's remote default rate. */
async function runRemote() {
  const mock = await startMock({ DELAY: "fixed:100" });
  try {
    return run([
      "--base-url",
      mock.url,
      "--shop-id",
      "361",
      "--secret-key",
      "mock-secret-key-361",
      "--rate",
      "10",
    ]);
  } finally {
    await mock.stop();
  }
}

const resultCell = (r) =>
  `exit ${r.exit}, ${r.results} results, ${r.failed} failed${r.failedChecks.length ? ` (${r.failedChecks.join(", ")})` : ""}`;

function rowsOf({ wall, reported, cpu, last }, remote) {
  return [
    [
      "embedded mock, all suites",
      `${fmt(wall.median, 1)} s (${fmt(wall.min, 1)}–${fmt(wall.max, 1)})`,
      `${fmt(reported.median, 1)} s`,
      `${fmt(cpu.median, 1)} s`,
      resultCell(last),
    ],
    remote
      ? [
          "mock in another process as a remote target, --rate 10",
          `${fmt(remote.wall, 1)} s`,
          `${fmt(remote.reported, 1)} s`,
          `${fmt(remote.cpu, 1)} s`,
          resultCell(remote),
        ]
      : ["mock as a remote target, --rate 10", "not run in --quick", "", "", ""],
  ];
}

function wallPlots(wall, remote) {
  if (!remote) return [];
  const rows = [
    { label: "embedded mock", ...wall, text: `${fmt(wall.median, 1)} s` },
    {
      label: "remote mock, 10 req/s",
      median: remote.wall,
      min: remote.wall,
      max: remote.wall,
      text: `${fmt(remote.wall, 1)} s`,
    },
  ];
  const title = "Conformance wall time, s (target: < 5 s embedded)";
  return [
    {
      file: "conformance-wall.svg",
      title: "Conformance wall time",
      spec: barSpread({ title, rows, xTitle: "seconds" }),
    },
  ];
}

function notesOf(failedNames, remote) {
  return [
    ...(failedNames.length
      ? [
          `The suite reported failed checks on this commit: ${failedNames.join(", ")} (a conformance finding, not a timing; see \`paycross-conformance\`'s own report).`,
        ]
      : []),
    ...(remote
      ? [
          `Against the mock behind a 10 req/s limit: ${fmt(remote.wall, 1)} s, ${remote.results} results, ${remote.failed} failed (reported, no target; checks that need a notification receiver the gateway can reach or the mock's clock are not applicable to a remote target without \`--webhook-url\`).`,
        ]
      : []),
  ];
}

export async function conformance({ quick }) {
  const rounds = quick ? 1 : 3;
  const embedded = [];
  for (let i = 0; i < rounds; i++) embedded.push(run([]));
  const wall = spread(embedded.map((r) => r.wall));
  const reported = spread(embedded.map((r) => r.reported));
  const cpu = spread(embedded.map((r) => r.cpu));
  const remote = quick ? undefined : await runRemote();
  const all = [...embedded, ...(remote ? [remote] : [])];
  // A failed check is a conformance finding, reported by name; it does not make the timing wrong. Only a
  // run that printed no report (thrown above) or crashed (exit other than 0/1) breaks this benchmark.
  const crashed = all.filter((r) => r.exit !== 0 && r.exit !== 1).length;
  const failedNames = [...new Set(all.flatMap((r) => r.failedChecks))];
  return {
    id: "conformance",
    title: "Conformance wall time",
    intro: `\`paycross-conformance --reporter json\` as a user runs it: wall time of the whole process (start-up, the embedded mock, every check) over ${rounds} run(s), the run time the report itself gives (checks only), and the CLI process's CPU time (user + system: what a busy machine cannot inflate). The rate-limited run targets a mock in another process (async tasks complete after 100 ms) with the CLI's remote default of 10 requests per second.`,
    tables: [
      {
        head: ["target", "wall time median (min–max)", "checks (report)", "CLI CPU time", "result"],
        rows: rowsOf({ wall, reported, cpu, last: embedded.at(-1) }, remote),
        plots: wallPlots(wall, remote),
      },
    ],
    targets: [
      target("full suite against the embedded mock < 5 s (wall time of the CLI)", {
        value: wall.median,
        ok: wall.median < 5,
        shown: `${fmtSpread(wall, 1, " s")}; checks alone ${fmt(reported.median, 1)} s; CLI CPU ${fmt(cpu.median, 1)} s`,
      }),
    ],
    notes: notesOf(failedNames, remote),
    checks: {
      broken: crashed ? `${crashed} conformance run(s) crashed (exit other than 0 or 1)` : undefined,
    },
    data: { embedded, remote },
  };
}
