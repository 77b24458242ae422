/** What callers see: a stored outcome as an `Outcome`, with the error class its status calls for. */
import { errorClassForStatus, type PayCrossError } from "@paycross/client";
import type { Answer } from "./lifecycle.js";
import type { Outcome, StoredOutcome, TaskState } from "./task.js";

export function toOutcome(state: TaskState): Outcome {
  const o = state.outcome as StoredOutcome;
  const s = JSON.parse(JSON.stringify(state)) as TaskState;
  if (o.kind === "completed")
    return { kind: "completed", data: o.data, transaction: o.transaction, state: s };
  if (o.kind === "failed")
    return {
      kind: "failed",
      status: o.status,
      body: o.body,
      error: errorFor(o.status, o.body, state),
      state: s,
    };
  return { kind: "unknown", reason: o.reason, recovered: o.recovered, state: s };
}

function errorFor(status: number, body: unknown, state: TaskState): PayCrossError {
  const ErrorClass = errorClassForStatus(status);
  const message = (body as { message?: unknown } | null)?.message;
  return new ErrorClass({
    status,
    body,
    method: "GET",
    url: state.responseUrl,
    idempotencyKey: state.idempotencyKey,
    message: `async ${state.operation} ${state.id} failed with ${status}${typeof message === "string" ? `: ${message}` : ""}`,
  });
}

/** The HTTP status an answer stands for, for progress events. */
export function answerStatus(a: Answer): number | "error" {
  switch (a.type) {
    case "completed":
    case "transaction":
      return 200;
    case "processing":
      return a.look === "result" ? 425 : 200;
    case "unknown":
      return 404;
    case "error":
    case "server_error":
      return a.status;
    default:
      return "error";
  }
}
