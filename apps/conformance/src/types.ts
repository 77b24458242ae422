/** The vocabulary of a conformance run: checks, their results, and the exchanges that prove them. */

export type SuiteName = "contract" | "async" | "followup" | "auth" | "negative" | "webhooks";
export const SUITES: readonly SuiteName[] = ["contract", "async", "followup", "auth", "negative", "webhooks"];

export type ResultStatus = "passed" | "failed" | "known_failure" | "not_applicable" | "skipped";

/** One HTTP request and its answer, redacted: what a failure shows and what the HAR holds. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** Network error or timeout, when no answer arrived. */
  error?: string;
  startedAt: string;
  durationMs: number;
}

export interface CheckResult {
  /** e.g. `contract.response_schema_conformance` */
  check: string;
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

/** A named rule. Each check lives in the file of its suite and says in one sentence what it proves. */
export interface CheckInfo {
  id: string;
  suite: SuiteName;
  description: string;
}
