/**
 * A self-contained HTML report: no script, no external resource (a strict CSP says so), a summary
 * table by suite, then each failure with its rule, request, answer and reproducing curl.
 */
import { CHECKS } from "../checks/catalog.js";
import type { RunReport } from "../runner.js";
import { SUITES } from "../types.js";
import { curlOf } from "./curl.js";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
const RULES = new Map<string, string>(CHECKS.map((c) => [c.id, c.description]));

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}p.meta{color:#57606a;margin:0 0 1.5rem}
table{border-collapse:collapse;margin-bottom:2rem}th,td{border:1px solid #d0d7de;padding:.35rem .7rem;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f6f8fa}
td.bad{background:#ffebe9;color:#82071e;font-weight:600}td.good{color:#116329}
.verdict{font-size:1.1rem;font-weight:600;margin:0 0 1rem}.verdict.fail{color:#cf222e}.verdict.pass{color:#1a7f37}
section.failure{border:1px solid #ff818266;border-left:4px solid #cf222e;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
section.failure h3{margin:0 0 .3rem;font-size:1rem;font-family:ui-monospace,monospace}
.rule{color:#57606a;margin:.1rem 0 .5rem}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;margin:.25rem 0}
dt{font-weight:600;margin-top:.4rem}dd{margin:0}ul.info li{font-family:ui-monospace,monospace;font-size:12px}`;

function summaryTable(report: RunReport): string {
  const head = ["suite", "passed", "failed", "known", "n/a", "info"];
  const rows = SUITES.map((s) => {
    const x = report.summary[s];
    const cells = [x.passed, x.failed, x.known_failure, x.not_applicable, x.info];
    return `<tr><th scope="row">${s}</th>${cells
      .map((n, i) => `<td class="${i === 1 && n > 0 ? "bad" : i === 0 && n > 0 ? "good" : ""}">${n}</td>`)
      .join("")}</tr>`;
  });
  return `<table id="summary"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function failureSection(f: RunReport["results"][number]): string {
  const ex = f.exchange;
  const parts = [
    `<h3>✗ ${esc(f.check)}${f.operation ? ` [${esc(f.operation)}]` : ""}</h3>`,
    `<p class="rule">Rule: ${esc(RULES.get(f.check) ?? "")}</p>`,
    `<p class="message">${esc(f.message ?? "")}</p>`,
  ];
  if (f.schemaPath)
    parts.push(
      `<p>schema: <code>${esc(f.schemaPath)}</code> at <code>${esc(f.instancePath || "(root)")}</code></p>`,
    );
  if (ex) {
    parts.push(
      "<dl>",
      `<dt>Request</dt><dd><pre>${esc(`${ex.method} ${ex.url}${ex.requestBody ? `\n\n${ex.requestBody}` : ""}`)}</pre></dd>`,
      `<dt>Answer</dt><dd><pre>${esc(`${ex.status ?? ex.error ?? "no answer"}${ex.responseBody ? `\n\n${ex.responseBody.slice(0, 4000)}` : ""}`)}</pre></dd>`,
      `<dt>Reproduce</dt><dd><pre class="curl">${esc(curlOf(ex))}</pre></dd>`,
      "</dl>",
    );
  }
  return `<section class="failure">${parts.join("\n")}</section>`;
}

export function html(report: RunReport): string {
  const failures = report.results.filter((r) => r.status === "failed");
  const infos = report.results.filter((r) => r.status === "info");
  const total = report.results.length;
  const verdict =
    report.failed === 0
      ? `<p class="verdict pass">All applicable checks passed (${total} results, ${(report.durationMs / 1000).toFixed(1)} s).</p>`
      : `<p class="verdict fail">${report.failed} failed of ${total} results (${(report.durationMs / 1000).toFixed(1)} s).</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PayCross conformance: ${esc(report.target)}</title><style>${STYLE}</style></head>
<body><h1>PayCross conformance</h1>
<p class="meta">${esc(report.target)} · profile: ${esc(report.profile)} · ${esc(report.startedAt)}</p>
${verdict}
${summaryTable(report)}
${failures.length ? `<h2>Failures (${failures.length})</h2>\n${failures.map(failureSection).join("\n")}` : ""}
${infos.length ? `<h2>Information</h2><ul class="info">${infos.map((r) => `<li>${esc(r.check)}${r.operation ? ` [${esc(r.operation)}]` : ""}: ${esc(r.message ?? "")}</li>`).join("")}</ul>` : ""}
</body></html>
`;
}
