/** contract: every operation in both modes, with a valid request, answers as the contract says. */
import type { Context } from "../context.js";
import { prepareRequests } from "./operations.js";
import { checkResponse } from "./responses.js";
import { duplicateCheck, idempotentRequestId, parentChildRules } from "./rules.js";
import { followable, scenario, type Task } from "./scenario.js";

async function everyOperation(ctx: Context): Promise<void> {
  const { requests, problems } = await prepareRequests(ctx);
  const covered = new Set(requests.map((r) => r.operationId));
  const missing = ctx.contract.operations
    .map((o) => o.operationId)
    .filter((id) => !covered.has(id) && id !== "getAsyncStatus" && id !== "getAsyncResult");
  ctx.expect(
    "contract.operations_covered",
    missing.length === 0,
    `not exercised: ${missing.join(", ")}${problems.length ? `; ${problems.join("; ")}` : ""}`,
  );

  let task: Task | undefined;
  for (const r of requests) {
    await scenario(async () => {
      // No answer at all is not a server error: it fails the acceptance of a valid request, named as it is.
      const res = await ctx.send("contract.positive_data_acceptance", r.send, r.operationId);
      checkResponse(ctx, r.operationId, res);
      ctx.expect(
        "contract.positive_data_acceptance",
        res.status >= 200 && res.status < 300,
        `a valid request answered ${res.status}`,
        { operation: r.operationId, exchange: res.exchange },
      );
      if (r.operationId === "createPaymentAsync" && res.status === 200) {
        followable(ctx, "contract.positive_data_acceptance", res.json as Task, res);
        task = res.json as Task;
      }
    });
  }
  const t = task;
  if (!t?.status_url || !t.response_url) return;
  await scenario(async () => {
    const status = await ctx.send(
      "contract.not_a_server_error",
      { method: "GET", url: t.status_url! },
      "getAsyncStatus",
    );
    checkResponse(ctx, "getAsyncStatus", status);
    const result = await ctx.send(
      "contract.not_a_server_error",
      { method: "GET", url: t.response_url! },
      "getAsyncResult",
    );
    checkResponse(ctx, "getAsyncResult", result);
  });
}

export async function run(ctx: Context): Promise<void> {
  await Promise.all([
    everyOperation(ctx),
    scenario(() => idempotentRequestId(ctx)),
    scenario(() => duplicateCheck(ctx)),
    parentChildRules(ctx),
  ]);
}
