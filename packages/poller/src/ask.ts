/**
 * One request for a task, classified into a lifecycle `Answer`. HTTP lives here; meaning lives in
 * `lifecycle.ts`. Errors that are not about the task (credentials, configuration, a URL outside the
 * gateway) are thrown for the caller; everything else becomes an answer.
 */
import { isPayCrossError, type PayCrossClient, PayCrossRateLimitError } from "@paycross/client";
import type { Answer, Look } from "./lifecycle.js";
import { type TaskState, transactionOf } from "./task.js";

// One scheduler owns timing: the client's own retries are off for the poller's calls.
const CALL = { maxRetries: 0 } as const;

export async function ask(client: PayCrossClient, state: TaskState, look: Look): Promise<Answer> {
  try {
    if (look === "follow_up") {
      const uid = transactionOf(state.result)?.uid;
      if (!uid) return { look, type: "retry", reason: "follow-up without a transaction uid" };
      const { transaction } = await client.transactions.get(uid, CALL);
      return { look, type: "transaction", transaction };
    }
    if (look === "status") {
      const st = await client.async.status(state.statusUrl, CALL);
      return { look, type: st.state };
    }
    const r = await client.async.result(state.responseUrl, CALL);
    if (r.state === "completed") return { look, type: "completed", data: r.data };
    if (r.state === "failed")
      return r.status >= 500
        ? { look, type: "server_error", status: r.status, body: r.body }
        : { look, type: "error", status: r.status, body: r.body };
    return { look, type: r.state };
  } catch (e) {
    return classifyError(e, look);
  }
}

/** A failed request: `retry`, or for the result URL a candidate (`server_error`/`lost`); else rethrown. */
function classifyError(e: unknown, look: Look | "recovery"): Answer {
  if (e instanceof PayCrossRateLimitError || (isPayCrossError(e) && e.status === 429))
    return { look, type: "retry", reason: "429", retryAfterMs: (e as PayCrossRateLimitError).retryAfterMs };
  if (!isPayCrossError(e) || e.kind !== "transport") throw e;
  if (look !== "result") return { look, type: "retry", reason: e.message };
  // On the result URL a failed read may have carried the read-once result: keep it as a candidate.
  if (e.status !== undefined && e.status >= 500)
    return { look, type: "server_error", status: e.status, body: e.body };
  return { look, type: "lost", reason: e.name };
}

/** After a 404 with nothing kept: the transactions recorded under the task's tracking_id. */
export async function recover(client: PayCrossClient, state: TaskState): Promise<Answer> {
  try {
    const { transactions } = await client.transactions.byTrackingId(state.trackingId!, CALL);
    return { look: "recovery", type: "recovered", transactions };
  } catch (e) {
    return classifyError(e, "recovery");
  }
}
