/** async: the rules of asynchronous tasks, checked on the target; the scenarios run concurrently. */
import { randomUUID } from "node:crypto";
import type { Context } from "../context.js";
import type { Answer } from "../http.js";
import { resultReadableAgain, retention24h } from "./retention.js";
import { awaitResult, excerpt, notJson, scenario, submit, type Task } from "./scenario.js";
import { resultMatchesSync } from "./twins.js";

function shapeProblems(ctx: Context, res: Answer, task: Task | undefined): string[] {
  const origin = new URL(ctx.http.target.baseUrl).origin;
  const problems: string[] = [];
  if (res.status !== 200) problems.push(`answered ${res.status}`);
  if (task?.status !== "processing")
    problems.push(`status is ${JSON.stringify(task?.status ?? null)}, expected "processing"`);
  if (typeof task?.request_id !== "string" || !task.request_id) problems.push("request_id is missing");
  for (const [key, kind] of [
    ["status_url", "status"],
    ["response_url", "result"],
  ] as const) {
    const value = task?.[key];
    let url: URL | undefined;
    try {
      url = value ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) problems.push(`${key} is not an absolute URL: ${JSON.stringify(value ?? null)}`);
    else {
      if (url.origin !== origin) problems.push(`${key} points to ${url.origin}, not the gateway ${origin}`);
      if (!url.pathname.endsWith(`/async/${kind}/${task?.request_id}`))
        problems.push(`${key} does not end with /async/${kind}/{request_id}`);
    }
  }
  return problems;
}

/** accepted_shape + status_monotonic + result_while_processing, on one payment task. */
async function lifecycle(ctx: Context): Promise<void> {
  const { res, task } = await submit(
    ctx,
    "async.accepted_shape",
    { method: "POST", path: "/async/transactions/payments", body: { request: ctx.payment() } },
    "createPaymentAsync",
  );
  const problems = shapeProblems(ctx, res, task);
  ctx.expect("async.accepted_shape", problems.length === 0, problems.join("; "), {
    operation: "createPaymentAsync",
    exchange: res.exchange,
  });
  if (problems.length) return;
  const seen: string[] = [];
  let whileProcessing: Answer | undefined;
  const until = Date.now() + ctx.profile.asyncTimeoutMs;
  let extraPolls = 2;
  let last = res.exchange;
  await ctx.waitingFor(`async.status_monotonic: the status at ${task!.status_url}`, async () => {
    while (Date.now() < until && extraPolls > 0) {
      const st = await ctx.send(
        "async.status_monotonic",
        { method: "GET", url: task!.status_url! },
        "getAsyncStatus",
      );
      last = st.exchange;
      const s = (st.json as Task | undefined)?.status ?? `HTTP ${st.status}`;
      seen.push(s);
      if (s === "processing" && !whileProcessing)
        whileProcessing = await ctx.send(
          "async.result_while_processing",
          { method: "GET", url: task!.response_url! },
          "getAsyncResult",
        );
      if (s === "completed") extraPolls--;
      else if (s !== "processing") break;
      await ctx.sleep(ctx.pollIntervalMs);
    }
  });
  const backwards = seen.findIndex((s, i) => i > 0 && s === "processing" && seen[i - 1] === "completed");
  const invalid = seen.find((s) => s !== "processing" && s !== "completed");
  ctx.expect(
    "async.status_monotonic",
    backwards === -1 && !invalid && seen.includes("completed"),
    backwards !== -1
      ? `status went back from completed to processing: ${seen.join(" → ")}`
      : invalid
        ? `unexpected status ${invalid}: ${seen.join(" → ")}`
        : `never completed within asyncTimeoutMs ${ctx.profile.asyncTimeoutMs} ms: ${seen.join(" → ")}`,
    { operation: "getAsyncStatus", exchange: last },
  );
  judgeWhileProcessing(ctx, whileProcessing);
}

function judgeWhileProcessing(ctx: Context, first: Answer | undefined): void {
  const check = "async.result_while_processing";
  if (!first) {
    ctx.notApplicable(check, "the task completed before its result could be asked while processing");
    return;
  }
  const body = first.json as Task | undefined;
  if (first.status === 200 && body && "transaction" in body) {
    ctx.notApplicable(check, "the task completed between the status and the result request");
    return;
  }
  if (notJson(ctx, check, "getAsyncResult", first)) return;
  const ok = first.status === 425 || (first.status === 200 && body?.status === "processing");
  ctx.expect(check, ok, `answered ${first.status} while the task was processing: ${excerpt(ctx, first)}`, {
    operation: "getAsyncResult",
    exchange: first.exchange,
  });
}

async function unknownRequestId(ctx: Context): Promise<void> {
  const id = randomUUID();
  for (const [kind, operation] of [
    ["status", "getAsyncStatus"],
    ["result", "getAsyncResult"],
  ] as const) {
    const res = await ctx.send(
      "async.unknown_request_id",
      { method: "GET", path: `/async/${kind}/${id}` },
      operation,
    );
    const body = res.json as Task | undefined;
    ctx.expect(
      "async.unknown_request_id",
      res.status === 404 && body?.status === "unknown",
      `answered ${res.status} ${JSON.stringify(body?.status ?? res.text.slice(0, 60))} for an id never issued; expected 404 "unknown"`,
      { operation, exchange: res.exchange },
    );
  }
}

/** An async capture of a parent that does not exist: its error result is read once, then gone. */
async function readOnceError(ctx: Context): Promise<void> {
  const check = "async.read_once_error";
  const { res, task } = await submit(
    ctx,
    check,
    {
      method: "POST",
      path: "/async/transactions/captures",
      body: { request: { parent_uid: `missing-${randomUUID()}`, amount: 1 } },
    },
    "createCaptureAsync",
  );
  if (res.status !== 200 || !task?.response_url || !task.status_url) {
    ctx.notApplicable(
      check,
      `the target refused the request at submit (${res.status}), so no task holds an error result`,
      {
        exchange: res.exchange,
      },
    );
    return;
  }
  const first = await awaitResult(ctx, task.response_url, check, "createCaptureAsync");
  if (!first || notJson(ctx, check, "getAsyncResult", first)) return;
  if (first.status === 200) {
    ctx.notApplicable(
      check,
      "the target answered 200 for a capture of a missing parent; no error result to read",
      {
        exchange: first.exchange,
      },
    );
    return;
  }
  const errorShape = ctx.contract.validateSchema("ErrorResponse", first.json);
  if (errorShape.length) {
    ctx.fail(
      check,
      `the error result is not the contract's error shape: ${errorShape[0]!.instancePath || "(root)"} ${errorShape[0]!.message}`,
      {
        operation: "getAsyncResult",
        exchange: first.exchange,
      },
    );
    return;
  }
  for (const [url, operation] of [
    [task.response_url, "getAsyncResult"],
    [task.status_url, "getAsyncStatus"],
  ] as const) {
    const again = await ctx.send(check, { method: "GET", url }, operation);
    const body = again.json as Task | undefined;
    if (again.status !== 404 || body?.status !== "unknown") {
      ctx.fail(
        check,
        `rule: a non-200 result is returned once; after the error result (${first.status}) was read once, ${operation} answered ${again.status} ${excerpt(ctx, again, 80)}; expected 404 "unknown"`,
        { operation, exchange: again.exchange },
      );
      return;
    }
  }
  ctx.pass(check, { operation: "getAsyncResult", exchange: first.exchange });
}

/** After every other suite: it moves the target's clock by a day, which would expire their tasks. */
export async function runLast(ctx: Context): Promise<void> {
  await scenario(() => retention24h(ctx));
}

export async function run(ctx: Context): Promise<void> {
  await Promise.all(
    [lifecycle, resultMatchesSync, unknownRequestId, readOnceError, resultReadableAgain].map((fn) =>
      scenario(() => fn(ctx)),
    ),
  );
}
