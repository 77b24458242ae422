/** Helpers the scenarios of every suite share: async submit, result polling, the expected `type`. */
import { OPERATIONS } from "@paycross/spec";
import { type Context, Skip } from "../context.js";
import type { Answer, SendOptions } from "../http.js";
import type { CheckId } from "./catalog.js";

export { Skip, scenario } from "../context.js";

export type Task = { status?: string; request_id?: string; status_url?: string; response_url?: string };

/** operationId (sync or async) → the `type` its transaction must have, from the spec's catalogue. */
export const EXPECTED_TYPE: ReadonlyMap<string, string> = new Map(
  Object.values(OPERATIONS).flatMap((e) =>
    e.transactionType
      ? [
          [e.syncOperationId, e.transactionType],
          [e.asyncOperationId, e.transactionType],
        ]
      : [],
  ),
);

/**
 * Posts an async request; the task (if the answer is one) comes back parsed. A task whose URLs leave
 * the gateway's origin is not followed (async.accepted_shape names it): the scenario ends.
 */
export async function submit(ctx: Context, check: CheckId, send: SendOptions, operationId: string) {
  const res = await ctx.send(check, send, operationId);
  const task = res.json as Task | undefined;
  if (check !== "async.accepted_shape") followable(ctx, check, task, res);
  return { res, task };
}

/** Ends the scenario when a task's URL points off the gateway's origin. */
export function followable(ctx: Context, check: CheckId, task: Task | undefined, res: Answer): void {
  for (const url of [task?.status_url, task?.response_url])
    if (typeof url === "string" && !ctx.http.sameOrigin(url)) {
      ctx.notApplicable(
        check,
        `the task's URL ${ctx.http.redact(url)} is not on the gateway's origin (async.accepted_shape names it); not followed`,
        {
          exchange: res.exchange,
        },
      );
      throw new Skip("off-origin task URL");
    }
}

const isProcessing = (res: Answer) =>
  res.status === 425 ||
  (res.status === 200 && (res.json as { status?: string } | undefined)?.status === "processing");

/**
 * Polls an async task's result URL until it is no longer processing, within the profile's
 * asyncTimeoutMs (the scenario's budget). Undefined when the budget ran out (recorded as a failure).
 */
export async function awaitResult(
  ctx: Context,
  responseUrl: string,
  check: CheckId,
  operationId: string,
): Promise<Answer | undefined> {
  const until = Date.now() + ctx.profile.asyncTimeoutMs;
  return ctx.waitingFor(
    `${check} [${operationId}]: the result at ${ctx.http.redact(responseUrl)}`,
    async () => {
      for (;;) {
        const res = await ctx.send(check, { method: "GET", url: responseUrl }, "getAsyncResult");
        if (!isProcessing(res)) return res;
        if (Date.now() > until) {
          ctx.fail(
            check,
            `still processing after the scenario's budget (asyncTimeoutMs ${ctx.profile.asyncTimeoutMs} ms)`,
            {
              operation: operationId,
              exchange: res.exchange,
            },
          );
          return undefined;
        }
        await ctx.sleep(ctx.pollIntervalMs);
      }
    },
  );
}

/** A 2xx answer whose body is not JSON: the scenario cannot judge it; contract.response_is_json does. */
export function notJson(ctx: Context, check: CheckId, operation: string, res: Answer): boolean {
  if (res.json !== undefined || res.text === "") return false;
  ctx.notApplicable(check, `the ${res.status} answer is not JSON; contract.response_is_json reports it`, {
    operation,
    exchange: res.exchange,
  });
  return true;
}

/** A short, single-line excerpt of an answer for a failure message. */
export function excerpt(ctx: Context, res: Answer, max = 120): string {
  const text = ctx.http.redact(res.text.slice(0, max * 2)).replace(/\s+/g, " ");
  return text.length > max ? `${text.slice(0, max)}…` : text || "(empty body)";
}
