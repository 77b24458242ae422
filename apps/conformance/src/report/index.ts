/** The reporters, by name: each turns a run's report into the text of one file (or stdout). */
import type { RunReport } from "../runner.js";
import { har } from "./har.js";
import { html } from "./html.js";
import { junit } from "./junit.js";
import { pretty } from "./pretty.js";

/** The whole report as JSON, without the exchange log (that is the HAR's job). */
export function json(report: RunReport): string {
  const { exchanges: _exchanges, ...rest } = report;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

export const REPORTER_MAP = {
  pretty: (report: RunReport, o: { color: boolean }) => pretty(report, o.color),
  json: (report: RunReport) => json(report),
  junit: (report: RunReport) => junit(report),
  har: (report: RunReport) => har(report),
  html: (report: RunReport) => html(report),
} as const satisfies Record<string, (report: RunReport, o: { color: boolean }) => string>;

export type ReporterName = keyof typeof REPORTER_MAP;
export const REPORTERS = Object.keys(REPORTER_MAP) as ReporterName[];
