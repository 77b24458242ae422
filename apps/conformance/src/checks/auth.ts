/** auth: no endpoint family answers without the shop's credentials. */
import { randomUUID } from "node:crypto";
import { type Context, scenario } from "../context.js";
import type { SendOptions } from "../http.js";

export async function run(ctx: Context): Promise<void> {
  const id = randomUUID();
  const families: Array<[string, SendOptions]> = [
    ["createPayment", { method: "POST", path: "/transactions/payments", body: { request: ctx.payment() } }],
    [
      "createRefund",
      {
        method: "POST",
        path: "/transactions/refunds",
        body: { request: { parent_uid: id, amount: 1, reason: "auth check" } },
      },
    ],
    ["getTransaction", { method: "GET", path: `/transactions/${id}` }],
    ["listTransactionsByTrackingId", { method: "GET", path: `/v2/transactions/tracking_id/${id}` }],
    [
      "getBalance",
      { method: "POST", path: "/balance", body: { request: {} }, headers: { "X-API-Version": "2" } },
    ],
    [
      "createPaymentAsync",
      { method: "POST", path: "/async/transactions/payments", body: { request: ctx.payment() } },
    ],
    ["getAsyncStatus", { method: "GET", path: `/async/status/${id}` }],
    ["getAsyncResult", { method: "GET", path: `/async/result/${id}` }],
  ];
  await Promise.all(
    families.flatMap(([operation, send]) =>
      (
        [
          ["auth.wrong_credentials_rejected", "wrong"],
          ["auth.missing_credentials_rejected", "none"],
        ] as const
      ).map(([check, auth]) =>
        scenario(async () => {
          const res = await ctx.send(check, { ...send, auth }, operation);
          const shape =
            res.json === undefined
              ? [{ message: "body is not JSON" }]
              : ctx.contract.validateSchema("ErrorResponse", res.json);
          ctx.expect(
            check,
            res.status === 401 && shape.length === 0,
            res.status !== 401
              ? `answered ${res.status} to ${auth === "none" ? "no" : "wrong"} credentials; expected 401`
              : `401 body is not the error shape: ${shape[0]?.message ?? ""}`,
            { operation, exchange: res.exchange },
          );
        }),
      ),
    ),
  );
}
