// pnpm bench [--quick] [--only client,gateway,poller,conformance]: runs the benchmarks, prints each
// table, and (full mode) rewrites BENCHMARKS.md. Exits non-zero only on a broken benchmark or a lost
// outcome, never on a timing.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clientOverhead } from "./client-overhead.mjs";
import { conformanceTime } from "./conformance-time.mjs";
import { gatewayThroughput } from "./gateway-throughput.mjs";
import { root } from "./lib.mjs";
import { pollerEfficiency } from "./poller-efficiency.mjs";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" } } });
const quick = Boolean(values.quick);
const only = values.only ? new Set(values.only.split(",")) : undefined;
const all = {
  client: clientOverhead,
  gateway: gatewayThroughput,
  poller: pollerEfficiency,
  conformance: conformanceTime,
};

const started = Date.now();
const sections = [];
let broken = 0;
for (const [name, bench] of Object.entries(all)) {
  if (only && !only.has(name)) continue;
  process.stdout.write(`\n## ${name}\n`);
  try {
    const s = await bench({ quick });
    process.stdout.write(`${s.text}\n`);
    sections.push(s);
    if (name === "poller" && (s.checks.lost || s.checks.duplicates || s.checks.bad)) {
      broken++;
      process.stderr.write("poller benchmark lost or duplicated outcomes\n");
    }
    if (name === "conformance" && s.checks.exit !== 0) {
      broken++;
      process.stderr.write("conformance run failed\n");
    }
  } catch (e) {
    broken++;
    process.stderr.write(`benchmark ${name} broke: ${e instanceof Error ? e.stack : e}\n`);
  }
}
const seconds = (Date.now() - started) / 1000;
process.stdout.write(`\nbenchmarks ${quick ? "(quick) " : ""}finished in ${seconds.toFixed(0)} s\n`);
if (!quick && !only) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
  const md = [
    "# Benchmarks",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, in ${seconds.toFixed(0)} s. Reproduce with \`npx --yes pnpm@10.34.9 bench\` (about 3–4 minutes; \`--quick\` for the smoke mode that CI runs). Ratios compare runs made in the same process in alternating rounds, so they survive a noisy machine better than the absolute figures, which move by tens of percent between runs on this 2-core machine.`,
    "",
    ...sections.flatMap((s) => [`## ${s.title}`, "", s.text, ""]),
  ].join("\n");
  writeFileSync(join(root, "BENCHMARKS.md"), md);
  process.stdout.write("wrote BENCHMARKS.md\n");
}
process.exit(broken ? 1 : 0);
