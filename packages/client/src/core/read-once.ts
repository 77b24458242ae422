/**
 * The read-once policy of asynchronous results, in one place. The gateway keeps a task's 200 result for
 * 24 hours but returns a non-200 result ONCE, then answers 404 `unknown`. So, for an answer of the
 * result URL:
 * - 425, or a 200 whose body is only a task in `processing`: not ready, look again later;
 * - 200: the operation's standard answer (`completed`);
 * - 404 with a task body `unknown`: never issued, expired, or its error result was already read;
 * - 401 and 429: about this read (credentials, rate), not about the task: `not_served`, look again;
 * - any 5xx: a `candidate`. It may be the task's read-once error result, or a passing failure of a proxy
 *   or of the gateway. Keep it durably and look again: a following 404 `unknown` makes the candidate the
 *   task's result; a 200 or 425 shows it was transient;
 * - any other status (400, 409, 422 ...): the task's read-once error result, `failed` and final.
 * A network error on the result URL (no answer at all) is treated like a candidate by whoever reads.
 */

export type ResultVerdict =
  | { state: "processing"; status: number; request_id: string }
  | { state: "completed"; status: 200; body: Record<string, unknown> }
  | { state: "unknown"; status: 404; request_id: string }
  | { state: "not_served"; status: 401 | 429 }
  | { state: "candidate"; status: number; body: unknown }
  | { state: "failed"; status: number; body: unknown }
  /** A 200 that is not a JSON object: the contract was broken; report it, do not guess. */
  | { state: "invalid"; status: 200; body: unknown };

export type StatusVerdict =
  | { state: "processing"; request_id: string }
  | { state: "completed"; request_id: string; response_url: string | undefined }
  | { state: "unknown"; request_id: string }
  /** Any other answer of the status URL: an error for the caller (it is not read-once). */
  | { state: "error" }
  | { state: "invalid" };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A body that is only a task (no operation answer inside). */
const isTaskOnly = (body: unknown): body is Record<string, unknown> =>
  isObject(body) && !("transaction" in body) && !("transactions" in body) && !("result" in body);

const requestIdOf = (body: unknown, fallback: string) =>
  isObject(body) && typeof body.request_id === "string" ? body.request_id : fallback;

/** Classifies one answer of a result URL; `id` is the request id the URL names. */
export function classifyResult(status: number, body: unknown, id: string): ResultVerdict {
  if (status === 425 || (status === 200 && isTaskOnly(body) && body.status === "processing"))
    return { state: "processing", status, request_id: requestIdOf(body, id) };
  if (status === 404 && isTaskOnly(body) && body.status === "unknown")
    return { state: "unknown", status: 404, request_id: requestIdOf(body, id) };
  if (status === 200)
    return isObject(body) ? { state: "completed", status, body } : { state: "invalid", status, body };
  if (status === 401 || status === 429) return { state: "not_served", status };
  if (status >= 500) return { state: "candidate", status, body };
  return { state: "failed", status, body };
}

/** Classifies one answer of a status URL (not read-once: it may be read any number of times). */
export function classifyStatus(status: number, body: unknown, id: string): StatusVerdict {
  const request_id = requestIdOf(body, id);
  if (status === 404) return { state: "unknown", request_id };
  if (status < 200 || status > 299) return { state: "error" };
  if (!isObject(body)) return { state: "invalid" };
  if (body.status === "processing") return { state: "processing", request_id };
  if (body.status === "unknown") return { state: "unknown", request_id };
  if (body.status === "completed")
    return {
      state: "completed",
      request_id,
      response_url: typeof body.response_url === "string" ? body.response_url : undefined,
    };
  return { state: "invalid" };
}
