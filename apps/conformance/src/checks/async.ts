/** async: the seed's rules for asynchronous tasks, checked on the target. */
import { randomUUID } from "node:crypto";
import { OPERATION_CATALOG } from "@paycross/spec";
import { type Context, Skip } from "../context.js";
import type { CheckInfo } from "../types.js";
import { awaitResult, prepareRequests } from "./operations.js";

export const CHECKS: CheckInfo[] = [
  {
    id: "async.accepted_shape",
    suite: "async",
    description:
      "An async submit answers `processing` with request_id and absolute status/result URLs on the target's origin.",
  },
  {
    id: "async.status_monotonic",
    suite: "async",
    description: "A task's status moves processing → completed and never back.",
  },
  {
    id: "async.result_while_processing",
    suite: "async",
    description:
      "While a task runs, its result URL answers 425 (or a 200 `processing` body), never a result.",
  },
  {
    id: "async.result_matches_sync",
    suite: "async",
    description:
      "Every async twin's result is the sync operation's standard answer, valid against its schema.",
  },
  {
    id: "async.unknown_request_id",
    suite: "async",
    description: "An id the gateway never issued answers 404 `unknown` on both URLs.",
  },
  {
    id: "async.read_once_error",
    suite: "async",
    description: "A non-200 result is returned once; then both URLs answer 404 `unknown`.",
  },
  {
    id: "async.retention_24h",
    suite: "async",
    description:
      "A 200 result is kept 24 hours after the task's creation, then 404 `unknown` (needs a target clock).",
  },
];

type Task = { status?: string; request_id?: string; status_url?: string; response_url?: string };

async function submit(ctx: Context, check: string, path: string, request: unknown, operationId: string) {
  const res = await ctx.send(check, { method: "POST", path, body: { request } }, operationId);
  return { res, task: res.json as Task | undefined };
}

export async function run(ctx: Context): Promise<void> {
  const origin = new URL(ctx.http.target.baseUrl).origin;

  // accepted_shape + status_monotonic + result_while_processing on one payment task.
  await scenario(async () => {
    const { res, task } = await submit(
      ctx,
      "async.accepted_shape",
      "/async/transactions/payments",
      ctx.payment(),
      "createPaymentAsync",
    );
    const problems: string[] = [];
    if (res.status !== 200) problems.push(`answered ${res.status}`);
    if (task?.status !== "processing")
      problems.push(`status is ${JSON.stringify(task?.status)}, expected "processing"`);
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
      if (!url) problems.push(`${key} is not an absolute URL: ${JSON.stringify(value)}`);
      else {
        if (url.origin !== origin) problems.push(`${key} points to ${url.origin}, not the gateway ${origin}`);
        if (!url.pathname.endsWith(`/async/${kind}/${task?.request_id}`))
          problems.push(`${key} does not end with /async/${kind}/{request_id}`);
      }
    }
    ctx.expect("async.accepted_shape", problems.length === 0, problems.join("; "), {
      operation: "createPaymentAsync",
      exchange: res.exchange,
    });
    if (problems.length) return;

    const seen: string[] = [];
    let firstResult: Awaited<ReturnType<Context["send"]>> | undefined;
    const until = Date.now() + ctx.profile.asyncTimeoutMs;
    let extraPolls = 2;
    let last = res.exchange;
    while (Date.now() < until && extraPolls > 0) {
      const st = await ctx.send(
        "async.status_monotonic",
        { method: "GET", url: task!.status_url! },
        "getAsyncStatus",
      );
      last = st.exchange;
      const s = (st.json as Task | undefined)?.status ?? `HTTP ${st.status}`;
      seen.push(s);
      if (s === "processing" && !firstResult) {
        firstResult = await ctx.send(
          "async.result_while_processing",
          { method: "GET", url: task!.response_url! },
          "getAsyncResult",
        );
      }
      if (s === "completed") extraPolls--;
      else if (s !== "processing") break;
      await ctx.sleep(ctx.pollIntervalMs);
    }
    const backwards = seen.findIndex((s, i) => i > 0 && s === "processing" && seen[i - 1] === "completed");
    const invalid = seen.find((s) => s !== "processing" && s !== "completed");
    ctx.expect(
      "async.status_monotonic",
      backwards === -1 && !invalid && seen.includes("completed"),
      backwards !== -1
        ? `status went back from completed to processing: ${seen.join(" → ")}`
        : invalid
          ? `unexpected status ${invalid}: ${seen.join(" → ")}`
          : `never completed within ${ctx.profile.asyncTimeoutMs} ms: ${seen.join(" → ")}`,
      { operation: "getAsyncStatus", exchange: last },
    );
    if (!firstResult) {
      ctx.notApplicable(
        "async.result_while_processing",
        "the task completed before its result could be asked while processing",
      );
    } else {
      const body = firstResult.json as Task | undefined;
      const ok = firstResult.status === 425 || (firstResult.status === 200 && body?.status === "processing");
      const raced = firstResult.status === 200 && body && "transaction" in body;
      if (raced)
        ctx.notApplicable(
          "async.result_while_processing",
          "the task completed between the status and the result request",
        );
      else
        ctx.expect(
          "async.result_while_processing",
          ok,
          `answered ${firstResult.status} while the task was processing`,
          { operation: "getAsyncResult", exchange: firstResult.exchange },
        );
    }
  });

  // result_matches_sync for every async twin.
  await scenario(async () => {
    const { requests } = await prepareRequests(ctx);
    const twins = new Map(
      requests.filter((r) => r.operationId.endsWith("Async")).map((r) => [r.operationId, r]),
    );
    for (const entry of OPERATION_CATALOG) {
      const r = twins.get(entry.async);
      if (!r) {
        ctx.notApplicable("async.result_matches_sync", "no request could be prepared", {
          operation: entry.async,
        });
        continue;
      }
      await scenario(async () => {
        const res = await ctx.send("async.result_matches_sync", r.send, entry.async);
        const task = res.json as Task | undefined;
        if (res.status !== 200 || !task?.response_url) {
          ctx.fail("async.result_matches_sync", `submit answered ${res.status} without a response_url`, {
            operation: entry.async,
            exchange: res.exchange,
          });
          return;
        }
        const result = await awaitResult(ctx, task.response_url, "async.result_matches_sync", entry.async);
        if (!result) return;
        const issues =
          result.status === 200 ? ctx.contract.validateResponseBody(entry.sync, 200, result.json) : undefined;
        if (result.status !== 200) {
          ctx.fail("async.result_matches_sync", `result answered ${result.status}`, {
            operation: entry.async,
            exchange: result.exchange,
          });
        } else if (issues?.length) {
          const first = issues[0]!;
          ctx.fail(
            "async.result_matches_sync",
            `not the ${entry.sync} answer: ${first.instancePath || "(root)"} ${first.message}`,
            {
              operation: entry.async,
              exchange: result.exchange,
              schemaPath: first.schemaPath,
              instancePath: first.instancePath,
            },
          );
        } else ctx.pass("async.result_matches_sync", { operation: entry.async, exchange: result.exchange });
      });
    }
  });

  // unknown_request_id on both URLs.
  await scenario(async () => {
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
  });

  // read_once_error: an async capture of a parent that does not exist.
  await scenario(async () => {
    const { res, task } = await submit(
      ctx,
      "async.read_once_error",
      "/async/transactions/captures",
      { parent_uid: `missing-${randomUUID()}`, amount: 1 },
      "createCaptureAsync",
    );
    if (res.status !== 200 || !task?.response_url || !task.status_url) {
      ctx.notApplicable(
        "async.read_once_error",
        `the target refused the request at submit (${res.status}), so no task holds an error result`,
        { exchange: res.exchange },
      );
      return;
    }
    const first = await awaitResult(ctx, task.response_url, "async.read_once_error", "getAsyncResult");
    if (!first) return;
    if (first.status === 200) {
      ctx.notApplicable(
        "async.read_once_error",
        "the target answered 200 for a capture of a missing parent; no error result to read",
        { exchange: first.exchange },
      );
      return;
    }
    const errorShape = ctx.contract.validateSchema("ErrorResponse", first.json);
    if (errorShape.length) {
      ctx.fail(
        "async.read_once_error",
        `the error result is not the contract's error shape: ${errorShape[0]!.instancePath} ${errorShape[0]!.message}`,
        { operation: "getAsyncResult", exchange: first.exchange },
      );
      return;
    }
    for (const [url, operation] of [
      [task.response_url, "getAsyncResult"],
      [task.status_url, "getAsyncStatus"],
    ] as const) {
      const again = await ctx.send("async.read_once_error", { method: "GET", url }, operation);
      const body = again.json as Task | undefined;
      if (again.status !== 404 || body?.status !== "unknown") {
        ctx.fail(
          "async.read_once_error",
          `after the error result (${first.status}) was read once, ${operation} answered ${again.status} ${again.text.slice(0, 80)}; expected 404 "unknown"`,
          {
            operation,
            exchange: again.exchange,
          },
        );
        return;
      }
    }
    ctx.pass("async.read_once_error", { operation: "getAsyncResult", exchange: first.exchange });
  });

  // retention_24h, only with a clock the target exposes.
  await scenario(async () => {
    const clockPath = ctx.profile.clockPath;
    if (!clockPath) {
      ctx.notApplicable("async.retention_24h", "the target exposes no clock; waiting 24 hours is not a test");
      return;
    }
    const { res, task } = await submit(
      ctx,
      "async.retention_24h",
      "/async/transactions/payments",
      ctx.payment(),
      "createPaymentAsync",
    );
    if (res.status !== 200 || !task?.response_url || !task.status_url) {
      ctx.fail("async.retention_24h", `submit answered ${res.status}`, { exchange: res.exchange });
      return;
    }
    const done = await awaitResult(ctx, task.response_url, "async.retention_24h", "getAsyncResult");
    if (!done) return;
    const advance = async (ms: number) => {
      const r = await ctx.send("async.retention_24h", {
        method: "POST",
        path: clockPath,
        body: { advanceMs: ms },
      });
      if (r.status !== 200) throw new Skip(`clock endpoint answered ${r.status}`);
    };
    const DAY = 24 * 60 * 60 * 1000;
    // The task was created before `done`; 24 h minus a margin after it must still serve the result.
    await advance(DAY - 60_000);
    const kept = await ctx.send(
      "async.retention_24h",
      { method: "GET", url: task.response_url },
      "getAsyncResult",
    );
    if (kept.status !== 200) {
      ctx.fail(
        "async.retention_24h",
        `the 200 result was gone ${DAY - 60_000} ms after creation (answered ${kept.status})`,
        { operation: "getAsyncResult", exchange: kept.exchange },
      );
      return;
    }
    await advance(60_000);
    for (const [url, operation] of [
      [task.response_url, "getAsyncResult"],
      [task.status_url, "getAsyncStatus"],
    ] as const) {
      const gone = await ctx.send("async.retention_24h", { method: "GET", url }, operation);
      if (gone.status !== 404 || (gone.json as Task | undefined)?.status !== "unknown") {
        ctx.fail(
          "async.retention_24h",
          `24 hours after creation ${operation} answered ${gone.status}; expected 404 "unknown"`,
          { operation, exchange: gone.exchange },
        );
        return;
      }
    }
    ctx.pass("async.retention_24h", { operation: "getAsyncResult", exchange: kept.exchange });
  });
}

/** Runs one scenario; a Skip (its failure already recorded) ends only that scenario. */
export async function scenario(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Skip)) throw e;
  }
}
