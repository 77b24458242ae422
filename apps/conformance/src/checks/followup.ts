/** followup: a transaction's fate can always be learned by a status query by tracking_id. */
import { type Context, scenario } from "../context.js";

type Tx = { uid?: string; status?: string };
const FINAL = ["successful", "failed", "expired", "error"];

export async function run(ctx: Context): Promise<void> {
  await scenario(async () => {
    const trackingId = ctx.trackingId("find");
    const made = await ctx.pay("followup.tracking_id_finds_transaction", "successful", {
      tracking_id: trackingId,
    });
    const uid = made.transaction?.uid;
    const found = await ctx.send(
      "followup.tracking_id_finds_transaction",
      { method: "GET", path: `/v2/transactions/tracking_id/${encodeURIComponent(trackingId)}` },
      "listTransactionsByTrackingId",
    );
    const list = (found.json as { transactions?: Tx[] } | undefined)?.transactions ?? [];
    ctx.expect(
      "followup.tracking_id_finds_transaction",
      !!uid && list.some((t) => t.uid === uid),
      uid
        ? `the query by tracking_id did not return transaction ${uid}`
        : `the payment's answer (HTTP ${made.answer.status}) has no transaction uid to look for`,
      {
        operation: "listTransactionsByTrackingId",
        exchange: found.exchange,
      },
    );
  });

  await scenario(async () => {
    if (!ctx.profile.cards.incomplete) {
      ctx.notApplicable(
        "followup.incomplete_reaches_final",
        "the profile has no card that produces an incomplete transaction",
      );
      return;
    }
    const trackingId = ctx.trackingId("three-ds");
    const { answer: made, transaction: tx } = await ctx.pay(
      "followup.incomplete_reaches_final",
      "incomplete",
      {
        tracking_id: trackingId,
      },
    );
    if (tx?.status !== "incomplete") {
      ctx.fail(
        "followup.incomplete_reaches_final",
        `the profile's incomplete card gave status ${JSON.stringify(tx?.status)} (HTTP ${made.status})`,
        { operation: "createPayment", exchange: made.exchange },
      );
      return;
    }
    const until = Date.now() + ctx.profile.followUpTimeoutMs;
    let last = made.exchange;
    while (Date.now() < until) {
      await ctx.sleep(ctx.embedded ? 100 : 2_000);
      const res = await ctx.send(
        "followup.incomplete_reaches_final",
        { method: "GET", path: `/v2/transactions/tracking_id/${encodeURIComponent(trackingId)}` },
        "listTransactionsByTrackingId",
      );
      last = res.exchange;
      const current = (res.json as { transactions?: Tx[] } | undefined)?.transactions?.find(
        (t) => t.uid === tx.uid,
      );
      if (current && FINAL.includes(current.status ?? "")) {
        ctx.pass("followup.incomplete_reaches_final", {
          operation: "listTransactionsByTrackingId",
          exchange: res.exchange,
        });
        return;
      }
    }
    ctx.fail(
      "followup.incomplete_reaches_final",
      `still not final after ${ctx.profile.followUpTimeoutMs} ms`,
      { operation: "listTransactionsByTrackingId", exchange: last },
    );
  });
}
