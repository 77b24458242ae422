/**
 * The gateway's money rules, each proven by the requests that show it: a RequestID replay makes no
 * second transaction, an identical payment within 30 s is refused, and child transactions stay
 * within what their parent allows.
 */
import { randomUUID } from "node:crypto";
import { type Context, scenario, transactionOf } from "../context.js";
import type { Answer } from "../http.js";
import { excerpt } from "./scenario.js";

const line = (res: Answer) => `${res.exchange.method} ${res.exchange.url} answered ${res.status}`;

/** Same RequestID twice → the same uid, and one transaction under the tracking_id. */
export async function idempotentRequestId(ctx: Context): Promise<void> {
  const check = "contract.idempotent_request_id";
  const trackingId = ctx.trackingId("idempotent");
  const send = {
    method: "POST" as const,
    path: "/transactions/payments",
    headers: { RequestID: `conformance-${randomUUID()}` },
    body: { request: ctx.payment("successful", { tracking_id: trackingId }) },
  };
  const first = await ctx.send(check, send, "createPayment");
  const second = await ctx.send(check, send, "createPayment");
  const [a, b] = [transactionOf(first)?.uid, transactionOf(second)?.uid];
  if (first.status !== 200 || !a) {
    ctx.notApplicable(check, `the first payment was not accepted (${line(first)})`, {
      exchange: first.exchange,
    });
    return;
  }
  if (b !== a) {
    ctx.fail(
      check,
      `rule: the same RequestID gives the same transaction; the replay ${line(second)} with uid ${JSON.stringify(b ?? null)}, the first had ${a}`,
      { operation: "createPayment", exchange: second.exchange },
    );
    return;
  }
  const query = await ctx.send(
    check,
    { method: "GET", path: `/v2/transactions/tracking_id/${encodeURIComponent(trackingId)}` },
    "listTransactionsByTrackingId",
  );
  const count = (query.json as { transactions?: unknown[] } | undefined)?.transactions?.length;
  ctx.expect(
    check,
    count === 1,
    `rule: a RequestID replay has no second effect; ${line(query)} with ${count ?? "no"} transactions for one payment sent twice with the same RequestID`,
    { operation: "listTransactionsByTrackingId", exchange: query.exchange },
  );
}

/** An identical payment within 30 s is refused; with `duplicate_check: false` it is accepted. */
export async function duplicateCheck(ctx: Context): Promise<void> {
  const check = "contract.duplicate_check";
  // A random amount: a run repeated within 30 s must not meet its own earlier payment.
  const [min, max] = ctx.profile.amountRange;
  const amount = min + Math.floor(Math.random() * (max - min + 1));
  const request = ctx.payment("successful", { duplicate_check: true, amount });
  const send = { method: "POST" as const, path: "/transactions/payments", body: { request } };
  const first = await ctx.send(check, send, "createPayment");
  if (first.status !== 200) {
    ctx.notApplicable(check, `the first payment was not accepted (${line(first)})`, {
      exchange: first.exchange,
    });
    return;
  }
  const again = await ctx.send(check, send, "createPayment");
  if (again.status < 400 || again.status >= 500) {
    ctx.fail(
      check,
      `rule: an identical request within 30 s is refused; the same payment sent again ${line(again)}: ${excerpt(ctx, again)}`,
      { operation: "createPayment", exchange: again.exchange },
    );
    return;
  }
  const allowed = await ctx.send(
    check,
    { ...send, body: { request: { ...request, duplicate_check: false } } },
    "createPayment",
  );
  ctx.expect(
    check,
    allowed.status === 200,
    `rule: duplicate_check: false allows an identical request; ${line(allowed)}: ${excerpt(ctx, allowed)}`,
    { operation: "createPayment", exchange: allowed.exchange },
  );
}

type Child = "captures" | "voids" | "refunds";

async function child(ctx: Context, kind: Child, parentUid: string, amount: number) {
  const operation = { captures: "createCapture", voids: "createVoid", refunds: "createRefund" }[kind];
  const request = {
    parent_uid: parentUid,
    amount,
    duplicate_check: false,
    ...(kind === "refunds" ? { reason: "conformance" } : {}),
  };
  const res = await ctx.send(
    "contract.parent_child_rules",
    { method: "POST", path: `/transactions/${kind}`, body: { request } },
    operation,
  );
  return { res, operation };
}

/** The parent's amount caps its children; each rule is one result, with the request that shows it. */
function expectRefused(ctx: Context, rule: string, step: { res: Answer; operation: string }): void {
  const { res, operation } = step;
  const refused = res.status >= 400 && res.status < 500;
  const tx = transactionOf(res);
  const ok = refused || (res.status === 200 && tx?.status === "failed");
  ctx.expect(
    "contract.parent_child_rules",
    ok,
    `rule: ${rule}; ${line(res)}${tx?.status ? ` with status ${tx.status}` : ""}, expected a refusal`,
    { operation, exchange: res.exchange },
  );
}

async function makeParent(ctx: Context, kind: "authorizations" | "payments", amount: number) {
  const res = await ctx.send(
    "contract.parent_child_rules",
    {
      method: "POST",
      path: `/transactions/${kind}`,
      body: { request: ctx.payment("successful", { amount }) },
    },
    kind === "payments" ? "createPayment" : "createAuthorization",
  );
  const tx = transactionOf(res);
  if (res.status !== 200 || tx?.status !== "successful" || !tx.uid) {
    ctx.notApplicable("contract.parent_child_rules", `could not create a parent (${line(res)})`, {
      exchange: res.exchange,
    });
    return undefined;
  }
  return tx.uid;
}

export async function parentChildRules(ctx: Context): Promise<void> {
  const amount = Math.max(ctx.profile.amountRange[0], 2);
  await Promise.all([
    scenario(async () => {
      const auth = await makeParent(ctx, "authorizations", amount);
      if (!auth) return;
      expectRefused(
        ctx,
        "a capture is at most the authorized amount",
        await child(ctx, "captures", auth, amount + 1),
      );
      const capture = await child(ctx, "captures", auth, amount);
      if (capture.res.status !== 200 || transactionOf(capture.res)?.status !== "successful") {
        ctx.notApplicable(
          "contract.parent_child_rules",
          `a capture of the authorized amount was not accepted (${line(capture.res)})`,
          {
            exchange: capture.res.exchange,
          },
        );
        return;
      }
      expectRefused(ctx, "no void after a capture", await child(ctx, "voids", auth, amount));
      const captureUid = transactionOf(capture.res)!.uid!;
      expectRefused(
        ctx,
        "a refund is at most the captured amount",
        await child(ctx, "refunds", captureUid, amount + 1),
      );
    }),
    scenario(async () => {
      const payment = await makeParent(ctx, "payments", amount);
      if (!payment) return;
      const refund = await child(ctx, "refunds", payment, amount);
      if (refund.res.status !== 200) {
        ctx.notApplicable(
          "contract.parent_child_rules",
          `a refund of the paid amount was not accepted (${line(refund.res)})`,
          {
            exchange: refund.res.exchange,
          },
        );
        return;
      }
      expectRefused(
        ctx,
        "an amount already refunded cannot be refunded again",
        await child(ctx, "refunds", payment, 1),
      );
    }),
  ]);
}
