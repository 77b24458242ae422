export { type Baseline, baselineOf, parseBaseline } from "./baseline.js";
export { CHECKS, type CheckId, SUITES, type SuiteName } from "./checks/catalog.js";
export { ALL_CHECKS } from "./checks/index.js";
export type { WebhookTarget } from "./checks/webhooks.js";
export {
  ConformanceError,
  type ConformanceErrorCode,
  exitCodeOf,
  ProfileError,
  UnreachableError,
  UsageError,
} from "./errors.js";
export { isProductionUrl, normalizeHost, PRODUCTION_HOSTS } from "./guard.js";
export type { Target } from "./http.js";
export { loadProfile, MOCK_PROFILE, type Profile, parseProfile } from "./profile.js";
export { curlOf } from "./report/curl.js";
export { har } from "./report/har.js";
export { html } from "./report/html.js";
export { json, REPORTER_MAP, REPORTERS, type ReporterName } from "./report/index.js";
export { junit } from "./report/junit.js";
export { pretty } from "./report/pretty.js";
export { createReportRedactor } from "./report/redact.js";
export { type RunOptions, type RunReport, runConformance } from "./runner.js";
export type { CheckInfo, CheckResult, Exchange, ResultStatus } from "./types.js";
