// pnpm bench [--quick] [--only a,b]: runs the benchmarks and prints each section. A full run of every
// benchmark also writes bench/results/latest.json, the plots in bench/plots/ and BENCHMARKS.md; --quick
// (the smoke run CI uses) and --only never write them. Exit 0 when every benchmark ran to the end, 1 when
// one broke or lost an outcome (never because of a timing), 2 on bad usage.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { benchmarksMarkdown } from "./lib/markdown.mjs";
import { benchDir, root } from "./lib/proc.mjs";
import { sectionText } from "./lib/report.mjs";
import { SUITES } from "./suites/index.mjs";

// Names first, modules later: a benchmark's module is imported only when it runs.
const NAMES = Object.keys(SUITES);

const HELP = `pnpm bench [--quick] [--only ${NAMES.join(",")}]

  --quick      smoke run: fewer rounds, fewer tasks; prints "QUICK" figures and writes nothing
  --only a,b   run only these benchmarks (writes nothing)
  -h, --help   this help

Full run: 10–15 minutes on 2 cores (longer on a busy machine); writes BENCHMARKS.md, bench/plots/*.svg, bench/results/latest.json.
Exit codes: 0 every benchmark ran, 1 a benchmark broke or lost an outcome, 2 bad usage.`;

let values;
try {
  ({ values } = parseArgs({
    options: { quick: { type: "boolean" }, only: { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (e) {
  process.stderr.write(`${e.message}\n\n${HELP}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const quick = Boolean(values.quick);
const only = values.only ? values.only.split(",").map((s) => s.trim()) : undefined;
const unknown = only?.filter((n) => !NAMES.includes(n)) ?? [];
if (unknown.length) {
  process.stderr.write(`unknown benchmark: ${unknown.join(", ")}\n\n${HELP}\n`);
  process.exit(2);
}
if (quick)
  process.stdout.write(
    "QUICK smoke run: fewer rounds and tasks; figures are not the ones BENCHMARKS.md reports.\n",
  );

const started = Date.now();
const loadStart = loadavg()[0];
const sections = [];
const broken = [];
for (const [name, loadSuite] of Object.entries(SUITES)) {
  if (only && !only.includes(name)) continue;
  process.stdout.write(`\n=== ${name}${quick ? " (quick)" : ""}\n`);
  const t0 = Date.now();
  try {
    const bench = await loadSuite();
    const s = await bench({ quick });
    s.seconds = (Date.now() - t0) / 1000;
    process.stdout.write(`${sectionText(s)}\n(${s.seconds.toFixed(0)} s)\n`);
    if (quick)
      for (const f of s.files ?? []) process.stdout.write(`\n(QUICK: ${f.path} not written)\n${f.content}\n`);
    sections.push(s);
    if (s.checks?.broken) broken.push(`${name}: ${s.checks.broken}`);
  } catch (e) {
    broken.push(`${name}: ${e instanceof Error ? e.stack : e}`);
  }
}
const seconds = (Date.now() - started) / 1000;
const load = { start: loadStart, end: loadavg()[0] };
for (const b of broken) process.stderr.write(`BROKEN ${b}\n`);
process.stdout.write(
  `\nbenchmarks ${quick ? "(QUICK smoke run) " : ""}finished in ${seconds.toFixed(0)} s\n`,
);
if (!quick && !only) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`;
  mkdirSync(join(benchDir, "results"), { recursive: true });
  writeFileSync(
    join(benchDir, "results", "latest.json"),
    `${JSON.stringify({ date: new Date().toISOString(), machine, seconds, load, sections: sections.map(({ files, ...s }) => s) }, null, 1)}\n`,
  );
  const { writePlots } = await import("./lib/plot.mjs");
  await writePlots(sections, join(benchDir, "plots"));
  for (const s of sections)
    for (const f of s.files ?? []) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.content);
    }
  writeFileSync(
    join(root, "BENCHMARKS.md"),
    benchmarksMarkdown({ sections, machine, seconds, broken, load }),
  );
  process.stdout.write("wrote BENCHMARKS.md, bench/plots/*.svg, bench/results/latest.json\n");
}
process.exit(broken.length ? 1 : 0);
