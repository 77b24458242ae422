export { ALL_CHECKS } from "./checks/index.js";
export type { WebhookTarget } from "./checks/webhooks.js";
export type { Target } from "./http.js";
export { loadProfile, MOCK_PROFILE, type Profile, ProfileError, parseProfile } from "./profile.js";
export { curlOf } from "./report/curl.js";
export { har } from "./report/har.js";
export { json } from "./report/json.js";
export { junit } from "./report/junit.js";
export { pretty } from "./report/pretty.js";
export {
  type Baseline,
  baselineOf,
  parseBaseline,
  type RunOptions,
  type RunReport,
  runConformance,
  UnreachableError,
  UsageError,
} from "./runner.js";
export type { CheckInfo, CheckResult, Exchange, ResultStatus, SuiteName } from "./types.js";
