/** What the command prints while and after it runs: live progress, reports, the summary line. */
import { writeFileSync } from "node:fs";
import { CHECKS } from "../checks/catalog.js";
import { UsageError } from "../errors.js";
import { REPORTER_MAP } from "../report/index.js";
import type { RunReport } from "../runner.js";
import type { CheckResult } from "../types.js";
import type { RunPlan } from "./options.js";

/** Progress on stderr: live on a TTY (checks done / total, current scenario), one line otherwise. */
export function progress(stream: NodeJS.WriteStream, selected: number, target: string) {
  const seen = new Set<string>();
  const tty = stream.isTTY === true;
  stream.write(`paycross-conformance: checking ${target} with ${selected} checks…${tty ? "" : "\n"}`);
  return {
    onResult(r: CheckResult) {
      seen.add(r.check);
      if (tty)
        stream.write(
          `\r\x1b[Kchecks ${seen.size}/${selected} · ${r.check}${r.operation ? ` [${r.operation}]` : ""} ${r.status}`,
        );
    },
    done() {
      if (tty) stream.write("\r\x1b[K");
    },
  };
}

export function countSelected(isSelected: (id: (typeof CHECKS)[number]["id"]) => boolean): number {
  return CHECKS.filter((c) => isSelected(c.id)).length;
}

/** Writes every report; the run's summary goes to stdout when no reporter does. */
export function writeReports(report: RunReport, plan: RunPlan, color: boolean): void {
  for (const r of plan.reporters) {
    const text = REPORTER_MAP[r.name](report, { color: color && !r.file });
    if (!r.file) {
      process.stdout.write(text);
      continue;
    }
    try {
      writeFileSync(r.file, text);
    } catch (e) {
      throw new UsageError(
        `--reporter ${r.name}=${r.file}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  }
  if (plan.reporters.every((r) => r.file)) {
    const passed = report.results.filter((r) => r.status === "passed").length;
    process.stdout.write(
      `${report.failed === 0 ? "All applicable checks passed" : `${report.failed} failed`}: ${passed} passed of ${report.results.length} results (${(report.durationMs / 1000).toFixed(1)} s); reports: ${plan.reporters.map((r) => `${r.name} → ${r.file}`).join(", ")}\n`,
    );
  }
}
