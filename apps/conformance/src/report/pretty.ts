import type { RunReport } from "../runner.js";
import { SUITES } from "../types.js";
import { curlOf } from "./curl.js";

/** The human report: a table by suite, then every failure with what it takes to reproduce it. */
export function pretty(report: RunReport, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  lines.push(`PayCross conformance: ${report.target} (profile: ${report.profile})`);
  lines.push("");
  const head = ["suite", "passed", "failed", "known", "n/a", "info"];
  const rows = SUITES.map((s) => {
    const x = report.summary[s];
    return [
      s,
      String(x.passed),
      String(x.failed),
      String(x.known_failure),
      String(x.not_applicable),
      String(x.info),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  lines.push(fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt));
  const failures = report.results.filter((r) => r.status === "failed");
  if (failures.length) {
    lines.push("", c("31;1", `Failures (${failures.length}):`));
    for (const f of failures) {
      lines.push(
        "",
        c("31", `✗ ${f.check}${f.operation ? ` [${f.operation}]` : ""}`),
        `  ${f.message ?? ""}`,
      );
      if (f.schemaPath)
        lines.push(`  schema: ${f.schemaPath}${f.instancePath ? `  at: ${f.instancePath || "(root)"}` : ""}`);
      if (f.exchange) {
        lines.push(
          `  answer: ${f.exchange.status ?? f.exchange.error}  ${f.exchange.responseBody.slice(0, 200).replace(/\s+/g, " ")}`,
        );
        lines.push(`  reproduce: ${curlOf(f.exchange)}`);
      }
    }
  }
  const known = report.results.filter((r) => r.status === "known_failure");
  if (known.length) lines.push("", c("33", `${known.length} known failure(s) accepted by the baseline.`));
  const na = report.results.filter((r) => r.status === "not_applicable");
  if (na.length) {
    lines.push("", "Not applicable:");
    for (const r of na) lines.push(`  - ${r.check}${r.operation ? ` [${r.operation}]` : ""}: ${r.message}`);
  }
  const info = report.results.filter((r) => r.status === "info");
  if (info.length) {
    lines.push("", "Information (never a failure):");
    for (const r of info) lines.push(`  - ${r.check}${r.operation ? ` [${r.operation}]` : ""}: ${r.message}`);
  }
  const total = report.results.length;
  const passed = report.results.filter((r) => r.status === "passed").length;
  lines.push(
    "",
    report.failed === 0
      ? c(
          "32;1",
          `All applicable checks passed: ${passed} of ${total} results (${(report.durationMs / 1000).toFixed(1)} s).`,
        )
      : c(
          "31;1",
          `${report.failed} failed, ${passed} passed of ${total} results (${(report.durationMs / 1000).toFixed(1)} s).`,
        ),
  );
  return `${lines.join("\n")}\n`;
}
