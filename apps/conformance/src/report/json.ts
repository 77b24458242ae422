import type { RunReport } from "../runner.js";

/** The whole report as JSON, without the exchange log (that is the HAR's job). */
export function json(report: RunReport): string {
  const { exchanges: _exchanges, ...rest } = report;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
