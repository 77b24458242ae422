/** contract: every operation in both modes, with a valid request, answers as the contract says. */
import type { Context } from "../context.js";
import type { CheckInfo } from "../types.js";
import { prepareRequests } from "./operations.js";
import { checkResponse, RESPONSE_CHECKS } from "./responses.js";

export const CHECKS: CheckInfo[] = [
  ...RESPONSE_CHECKS,
  {
    id: "contract.positive_data_acceptance",
    suite: "contract",
    description: "A valid request of every operation is accepted (2xx).",
  },
  {
    id: "contract.operations_covered",
    suite: "contract",
    description: "Every operation of the contract could be exercised (its preconditions could be created).",
  },
];

export async function run(ctx: Context): Promise<void> {
  const { requests, problems } = await prepareRequests(ctx);
  const covered = new Set(requests.map((r) => r.operationId));
  const missing = ctx.contract.operations
    .map((o) => o.operationId)
    .filter((id) => !covered.has(id) && id !== "getAsyncStatus" && id !== "getAsyncResult");
  ctx.expect(
    "contract.operations_covered",
    missing.length === 0,
    `not exercised: ${missing.join(", ")}; ${problems.join("; ")}`,
  );

  let task: { status_url?: string; response_url?: string } | undefined;
  for (const r of requests) {
    const res = await ctx.send("contract.not_a_server_error", r.send, r.operationId).catch(() => undefined);
    if (!res) continue;
    checkResponse(ctx, r.operationId, res);
    ctx.expect(
      "contract.positive_data_acceptance",
      res.status >= 200 && res.status < 300,
      `a valid request answered ${res.status}`,
      {
        operation: r.operationId,
        exchange: res.exchange,
      },
    );
    if (r.operationId === "createPaymentAsync" && res.status === 200) task = res.json as typeof task;
  }
  if (task?.status_url && task.response_url) {
    const status = await ctx
      .send("contract.not_a_server_error", { method: "GET", url: task.status_url }, "getAsyncStatus")
      .catch(() => undefined);
    if (status) checkResponse(ctx, "getAsyncStatus", status);
    const result = await ctx
      .send("contract.not_a_server_error", { method: "GET", url: task.response_url }, "getAsyncResult")
      .catch(() => undefined);
    if (result) checkResponse(ctx, "getAsyncResult", result);
  }
}
