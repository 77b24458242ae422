/**
 * `@paycross/client/internal`: the pieces sibling packages of this repository share (the poller, the
 * mock gateway, the conformance suite). Not a public API: it may change in any release.
 */
export { clientFor } from "./client.js";
export { errorForStatus, type RequestContext } from "./core/fail.js";
export { MinHeap } from "./core/heap.js";
export { type AttemptObserver, HttpCore, type RawResponse, type RetryMode } from "./core/http.js";
export { classifyResult, classifyStatus, type ResultVerdict, type StatusVerdict } from "./core/read-once.js";
export { createRedactor, type Redactor, secretForms } from "./redact.js";
export {
  backoffDelay,
  DEFAULT_RETRY,
  MAX_TIMER_MS,
  parseRetryAfter,
  type RetryPolicy,
  sleep,
} from "./retry.js";
