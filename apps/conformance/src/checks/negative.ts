/** negative: bad input gets a 4xx with the contract's error shape: never a 5xx, never a hang. */
import { OPERATIONS } from "@paycross/spec";
import { type Context, scenario } from "../context.js";
import type { CheckId } from "./catalog.js";

export async function run(ctx: Context): Promise<void> {
  const posts = ctx.contract.operations.filter(
    (o) =>
      o.method === "post" &&
      Object.values(OPERATIONS).some(
        (c) => c.syncOperationId === o.operationId || c.asyncOperationId === o.operationId,
      ),
  );
  const jobs: Array<Promise<void>> = [];
  for (const op of posts) {
    const headers = op.path.endsWith("/balance") ? { "X-API-Version": "2" } : undefined;
    const cases: Array<[CheckId, { raw?: string; body?: unknown }]> = [
      ["negative.malformed_json_rejected", { raw: '{"request": {"amount": 1,' }],
      ...(op.path.endsWith("/balance")
        ? []
        : ([["negative.missing_required_fields_rejected", { body: { request: {} } }]] as Array<
            [CheckId, { body: unknown }]
          >)),
      [
        "negative.wrong_types_rejected",
        {
          body: {
            request: {
              amount: "one hundred",
              currency: 840,
              description: ["x"],
              parent_uid: 5,
              credit_card: "4200",
            },
          },
        },
      ],
    ];
    for (const [check, payload] of cases) {
      jobs.push(
        scenario(async () => {
          const res = await ctx.send(
            check,
            { method: "POST", path: op.path, ...payload, ...(headers ? { headers } : {}) },
            op.operationId,
          );
          expectRejected(ctx, check, op.operationId, res);
        }),
      );
    }
  }
  for (const path of ["/balance", "/async/balance"]) {
    jobs.push(
      scenario(async () => {
        const operation = path === "/balance" ? "getBalance" : "getBalanceAsync";
        const res = await ctx.send(
          "negative.missing_api_version_rejected",
          { method: "POST", path, body: { request: {} } },
          operation,
        );
        expectRejected(ctx, "negative.missing_api_version_rejected", operation, res);
      }),
    );
  }
  await Promise.all(jobs);
}

function expectRejected(
  ctx: Context,
  check: CheckId,
  operation: string,
  res: Awaited<ReturnType<Context["send"]>>,
) {
  const shape =
    res.json === undefined
      ? [{ message: "body is not JSON", instancePath: "" }]
      : ctx.contract.validateSchema("ErrorResponse", res.json);
  const ok = res.status >= 400 && res.status < 500 && shape.length === 0;
  ctx.expect(
    check,
    ok,
    res.status >= 500
      ? `bad input caused a server error (${res.status})`
      : res.status < 400
        ? `bad input was accepted (${res.status})`
        : `the ${res.status} body is not the error shape: ${shape[0]?.instancePath || "(root)"} ${shape[0]?.message ?? ""}`,
    { operation, exchange: res.exchange },
  );
}
