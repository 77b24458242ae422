/** async.result_matches_sync: every async twin's result is its sync operation's standard answer. */
import { OPERATIONS } from "@paycross/spec";
import type { Context } from "../context.js";
import { prepareRequests } from "./operations.js";
import { checkTransactionType } from "./responses.js";
import { awaitResult, notJson, scenario, submit } from "./scenario.js";

export async function resultMatchesSync(ctx: Context): Promise<void> {
  const check = "async.result_matches_sync";
  const { requests } = await prepareRequests(ctx);
  const twins = new Map(
    requests.filter((r) => r.operationId.endsWith("Async")).map((r) => [r.operationId, r]),
  );
  await Promise.all(
    Object.values(OPERATIONS).map(({ syncOperationId: sync, asyncOperationId: asyncId }) => {
      const r = twins.get(asyncId);
      if (!r) {
        ctx.notApplicable(check, "no request could be prepared", { operation: asyncId });
        return Promise.resolve();
      }
      return scenario(async () => {
        const { res, task } = await submit(ctx, check, r.send, asyncId);
        if (res.status !== 200 || !task?.response_url) {
          ctx.fail(check, `submit answered ${res.status} without a response_url`, {
            operation: asyncId,
            exchange: res.exchange,
          });
          return;
        }
        const result = await awaitResult(ctx, task.response_url, check, asyncId);
        if (!result || notJson(ctx, check, asyncId, result)) return;
        if (result.status !== 200) {
          ctx.fail(check, `result answered ${result.status}`, {
            operation: asyncId,
            exchange: result.exchange,
          });
          return;
        }
        checkTransactionType(ctx, asyncId, result);
        const issues = ctx.contract.validateResponseBody(sync, 200, result.json) ?? [];
        const first = issues[0];
        if (first)
          ctx.fail(check, `not the ${sync} answer: ${first.instancePath || "(root)"} ${first.message}`, {
            operation: asyncId,
            exchange: result.exchange,
            schemaPath: first.schemaPath,
            instancePath: first.instancePath,
          });
        else ctx.pass(check, { operation: asyncId, exchange: result.exchange });
      });
    }),
  );
}
