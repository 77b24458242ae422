/**
 * A 200 result is kept for 24 hours: it reads the same every time within retention
 * (`async.result_readable_again`), and, on a target whose test clock the profile names, it is gone
 * 24 hours after the task's creation (`async.retention_24h`).
 */
import { isDeepStrictEqual } from "node:util";
import type { Context } from "../context.js";
import { Skip } from "../context.js";
import { awaitResult, excerpt, notJson, submit } from "./scenario.js";

const DAY = 24 * 60 * 60 * 1000;

async function completedPayment(ctx: Context, check: "async.result_readable_again" | "async.retention_24h") {
  const { res, task } = await submit(
    ctx,
    check,
    { method: "POST", path: "/async/transactions/payments", body: { request: ctx.payment() } },
    "createPaymentAsync",
  );
  if (res.status !== 200 || !task?.response_url || !task.status_url) {
    ctx.fail(check, `submit answered ${res.status} without the task's URLs`, {
      operation: "createPaymentAsync",
      exchange: res.exchange,
    });
    return undefined;
  }
  const result = await awaitResult(ctx, task.response_url, check, "createPaymentAsync");
  if (!result || notJson(ctx, check, "getAsyncResult", result)) return undefined;
  if (result.status !== 200) {
    ctx.notApplicable(check, `the payment's result answered ${result.status}, not a 200 result`, {
      exchange: result.exchange,
    });
    return undefined;
  }
  return { task: task as { response_url: string; status_url: string }, result };
}

export async function resultReadableAgain(ctx: Context): Promise<void> {
  const check = "async.result_readable_again";
  const done = await completedPayment(ctx, check);
  if (!done) return;
  const again = await ctx.send(check, { method: "GET", url: done.task.response_url }, "getAsyncResult");
  ctx.expect(
    check,
    again.status === 200 && isDeepStrictEqual(again.json, done.result.json),
    again.status !== 200
      ? `rule: a 200 result is kept 24 h and reads the same again; the second GET ${again.exchange.url} answered ${again.status} ${excerpt(ctx, again, 80)}`
      : `rule: a 200 result reads the same again; the second read differs from the first: ${excerpt(ctx, again, 160)}`,
    { operation: "getAsyncResult", exchange: again.exchange },
  );
}

/** Moves the target's test clock; the clock's answer decides whether the check can run at all. */
async function advance(ctx: Context, url: string, ms: number): Promise<void> {
  const r = await ctx.send("async.retention_24h", { method: "POST", url, body: { advanceMs: ms } });
  if (r.status !== 200) {
    ctx.notApplicable(
      "async.retention_24h",
      `the clock at ${r.exchange.url} does not move (${r.status} ${excerpt(ctx, r, 100)})`,
      {
        exchange: r.exchange,
      },
    );
    throw new Skip("clock refused");
  }
}

export async function retention24h(ctx: Context): Promise<void> {
  const check = "async.retention_24h";
  const admin = ctx.profile.clock?.admin;
  if (!admin) {
    ctx.notApplicable(
      check,
      'the profile names no test clock ("clock": {"admin": "<URL>"}); waiting 24 hours is not a test',
    );
    return;
  }
  const clockUrl = new URL(admin, `${ctx.http.target.baseUrl}/`).href;
  const done = await completedPayment(ctx, check);
  if (!done) return;
  // The task was created before its result was read; 24 h minus a margin after that it is still kept.
  await advance(ctx, clockUrl, DAY - 60_000);
  const kept = await ctx.send(check, { method: "GET", url: done.task.response_url }, "getAsyncResult");
  if (kept.status !== 200) {
    ctx.fail(
      check,
      `rule: a 200 result is kept 24 h; it was gone ${DAY - 60_000} ms after creation (answered ${kept.status})`,
      {
        operation: "getAsyncResult",
        exchange: kept.exchange,
      },
    );
    return;
  }
  await advance(ctx, clockUrl, 60_000);
  for (const [url, operation] of [
    [done.task.response_url, "getAsyncResult"],
    [done.task.status_url, "getAsyncStatus"],
  ] as const) {
    const gone = await ctx.send(check, { method: "GET", url }, operation);
    if (gone.status !== 404 || (gone.json as { status?: string } | undefined)?.status !== "unknown") {
      ctx.fail(
        check,
        `rule: a result is kept 24 h, then 404 "unknown"; 24 hours after creation ${operation} answered ${gone.status}`,
        {
          operation,
          exchange: gone.exchange,
        },
      );
      return;
    }
  }
  ctx.pass(check, { operation: "getAsyncResult", exchange: kept.exchange });
}
