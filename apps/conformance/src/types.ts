/** The vocabulary of a conformance run: checks, their results, and the exchanges that prove them. */
import type { CheckId, SuiteName } from "./checks/catalog.js";

export { SUITES } from "./checks/catalog.js";
export type { CheckId, SuiteName };

/** `info` carries information that is never a failure (fields the contract does not declare). */
export type ResultStatus = "passed" | "failed" | "known_failure" | "not_applicable" | "skipped" | "info";

/** One HTTP request and its answer, redacted: what a failure shows and what the HAR holds. */
export interface Exchange {
  method: string;
  url: string;
  /** The operationId the request was sent as, when known. */
  operation?: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** Network error or timeout, when no answer arrived. */
  error?: string;
  /** The request got no answer within the per-request timeout. */
  timedOut?: boolean;
  startedAt: string;
  durationMs: number;
}

export interface CheckResult {
  /** e.g. `contract.response_schema_conformance` */
  check: CheckId;
  suite: SuiteName;
  /** The operationId (or endpoint family) the result is about. */
  operation?: string;
  status: ResultStatus;
  /** Why it failed, or why it does not apply. */
  message?: string;
  /** JSON pointer into the schema that failed, and into the body. */
  schemaPath?: string;
  instancePath?: string;
  exchange?: Exchange;
  durationMs: number;
}

/** A named rule: its id says the suite, its description the rule. */
export interface CheckInfo {
  id: CheckId;
  suite: SuiteName;
  description: string;
}
