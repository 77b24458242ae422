import type { RunReport } from "../runner.js";
import { SUITES } from "../types.js";
import { curlOf } from "./curl.js";

// XML 1.0 cannot carry most control characters, not even escaped: drop them.
// biome-ignore lint/complexity/useRegexLiterals: the literal form would trip noControlCharactersInRegex
const XML_INVALID = new RegExp("[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]", "g");
const esc = (s: string) =>
  s
    .replace(
      /[&<>"']/g,
      (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!,
    )
    .replace(XML_INVALID, "");

/** JUnit XML: a testsuite per suite, a testcase per check and operation. */
export function junit(report: RunReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = report.results;
  out.push(
    `<testsuites name="paycross-conformance" tests="${all.length}" failures="${report.failed}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  );
  for (const suite of SUITES) {
    const rs = all.filter((r) => r.suite === suite);
    if (!rs.length) continue;
    const failures = rs.filter((r) => r.status === "failed").length;
    const skipped = rs.filter((r) => !["passed", "failed", "info"].includes(r.status)).length;
    out.push(
      `  <testsuite name="${suite}" tests="${rs.length}" failures="${failures}" skipped="${skipped}">`,
    );
    for (const r of rs) {
      const name = esc(`${r.check}${r.operation ? ` [${r.operation}]` : ""}`);
      out.push(
        `    <testcase classname="${esc(`paycross.${suite}`)}" name="${name}" time="${(r.durationMs / 1000).toFixed(3)}">`,
      );
      if (r.status === "failed") {
        const detail = [
          r.message,
          r.schemaPath && `schema: ${r.schemaPath}`,
          r.exchange && `status: ${r.exchange.status ?? r.exchange.error}`,
          r.exchange && `body: ${r.exchange.responseBody.slice(0, 500)}`,
          r.exchange && `reproduce: ${curlOf(r.exchange)}`,
        ]
          .filter(Boolean)
          .join("\n");
        out.push(`      <failure message="${esc(r.message ?? "failed")}">${esc(detail)}</failure>`);
      } else if (r.status !== "passed" && r.status !== "info") {
        out.push(`      <skipped message="${esc(`${r.status}: ${r.message ?? ""}`)}"/>`);
      }
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
