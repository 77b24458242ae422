/** Helpers the scenarios of every suite share: async submit, result polling, the expected `type`. */
import { OPERATION_CATALOG } from "@paycross/spec";
import type { Context } from "../context.js";
import type { Answer, SendOptions } from "../http.js";
import type { CheckId } from "./catalog.js";

export { Skip, scenario } from "../context.js";

export type Task = { status?: string; request_id?: string; status_url?: string; response_url?: string };

const TRANSACTION_TYPES = new Set([
  "payment",
  "authorization",
  "tokenization",
  "capture",
  "void",
  "refund",
  "credit",
  "payout",
  "checkup",
  "chargeback",
]);

/** operationId (sync or async) → the `type` its transaction must have, from the spec's catalogue. */
export const EXPECTED_TYPE: ReadonlyMap<string, string> = new Map(
  OPERATION_CATALOG.filter((e) => TRANSACTION_TYPES.has(e.name)).flatMap((e) => [
    [e.sync, e.name],
    [e.async, e.name],
  ]),
);

/** Posts an async request; the task (if the answer is one) comes back parsed. */
export async function submit(ctx: Context, check: CheckId, send: SendOptions, operationId: string) {
  const res = await ctx.send(check, send, operationId);
  return { res, task: res.json as Task | undefined };
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
