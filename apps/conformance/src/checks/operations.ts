/**
 * A valid request for every operation of the contract, in both modes. Child transactions get fresh
 * parents first, so each request is one the gateway must accept.
 */
import type { Context } from "../context.js";
import { type SendOptions, TransportFailure } from "../http.js";

/** A precondition that got no answer is simply missing (the exchange shows why); a spent budget is not. */
const noAnswer = (e: unknown): undefined => {
  if (e instanceof TransportFailure) return undefined;
  throw e;
};

export interface PreparedRequest {
  operationId: string;
  send: SendOptions;
}

type Json = Record<string, unknown>;

async function parent(
  ctx: Context,
  kind: "payments" | "authorizations",
): Promise<{ uid: string; amount: number } | undefined> {
  const body = ctx.payment();
  const operation = kind === "payments" ? "createPayment" : "createAuthorization";
  const res = await ctx.http
    .send({ method: "POST", path: `/transactions/${kind}`, body: { request: body }, operation })
    .catch(noAnswer);
  const tx = (res?.json as { transaction?: { uid?: string; status?: string } } | undefined)?.transaction;
  return res?.status === 200 && tx?.uid && tx.status === "successful"
    ? { uid: tx.uid, amount: body.amount }
    : undefined;
}

/** Requests for the sync operations; async twins use the same body under `/async`. */
export async function prepareRequests(
  ctx: Context,
): Promise<{ requests: PreparedRequest[]; problems: string[] }> {
  const problems: string[] = [];
  const [payment, ...auths] = await Promise.all([
    parent(ctx, "payments"),
    parent(ctx, "authorizations"),
    parent(ctx, "authorizations"),
    parent(ctx, "authorizations"),
    parent(ctx, "authorizations"),
  ]);
  if (!payment) problems.push("could not create a successful payment to refund and charge back");
  if (auths.some((a) => !a)) problems.push("could not create successful authorizations to capture and void");
  const post = (
    operationId: string,
    path: string,
    request: Json,
    headers?: Record<string, string>,
  ): PreparedRequest => ({
    operationId,
    send: { method: "POST", path, body: { request }, ...(headers ? { headers } : {}) },
  });
  const trackingId = ctx.trackingId("query");
  const forQuery = await ctx.http
    .send({
      method: "POST",
      operation: "createPayment",
      path: "/transactions/payments",
      body: { request: ctx.payment("successful", { tracking_id: trackingId }) },
    })
    .catch(noAnswer);
  const queryUid =
    (forQuery?.json as { transaction?: { uid?: string } } | undefined)?.transaction?.uid ??
    payment?.uid ??
    "unknown-uid";

  const requests: PreparedRequest[] = [
    post("createPayment", "/transactions/payments", ctx.payment()),
    post("createAuthorization", "/transactions/authorizations", ctx.payment()),
    post("createTokenization", "/transactions/tokenizations", ctx.payment()),
    post("createCheckup", "/transactions/checkups", ctx.payment()),
    post("createPayout", "/transactions/payouts", {
      amount: ctx.amount(),
      currency: ctx.profile.currency,
      description: "PayCross conformance payout",
      tracking_id: ctx.trackingId("payout"),
      test: true,
      duplicate_check: false,
      recipient_credit_card: ctx.card(),
    }),
    post("getBalance", "/balance", { currency: ctx.profile.currency }, { "X-API-Version": "2" }),
    {
      operationId: "getTransaction",
      send: { method: "GET", path: `/transactions/${encodeURIComponent(queryUid)}` },
    },
    {
      operationId: "listTransactionsByTrackingId",
      send: { method: "GET", path: `/v2/transactions/tracking_id/${encodeURIComponent(trackingId)}` },
    },
  ];
  if (auths[0])
    requests.push(
      post("createCapture", "/transactions/captures", {
        parent_uid: auths[0].uid,
        amount: 1,
        duplicate_check: false,
      }),
    );
  if (auths[1])
    requests.push(
      post("createVoid", "/transactions/voids", {
        parent_uid: auths[1].uid,
        amount: auths[1].amount,
        duplicate_check: false,
      }),
    );
  if (payment) {
    requests.push(
      post("createRefund", "/transactions/refunds", {
        parent_uid: payment.uid,
        amount: 1,
        reason: "conformance",
        duplicate_check: false,
      }),
    );
    requests.push(
      post("createChargeback", "/transactions/chargebacks", {
        parent_uid: payment.uid,
        amount: 1,
        reason: "conformance",
      }),
    );
  }
  // The async twins need parents of their own (a void consumes its authorization).
  const twins: PreparedRequest[] = requests.map((r) => {
    let send = { ...r.send, path: `/async${r.send.path}` };
    if (r.operationId === "createCapture" && auths[2])
      send = { ...send, body: { request: { parent_uid: auths[2].uid, amount: 1, duplicate_check: false } } };
    if (r.operationId === "createVoid" && auths[3])
      send = {
        ...send,
        body: { request: { parent_uid: auths[3].uid, amount: auths[3].amount, duplicate_check: false } },
      };
    if (
      ["createPayment", "createAuthorization", "createTokenization", "createCheckup"].includes(r.operationId)
    )
      send = { ...send, body: { request: ctx.payment() } };
    if (r.operationId === "createPayout")
      send = {
        ...send,
        body: { request: { ...(r.send.body as { request: Json }).request, amount: ctx.amount() } },
      };
    if (r.operationId === "createRefund" || r.operationId === "createChargeback")
      send = { ...send, body: { request: { ...(r.send.body as { request: Json }).request, amount: 2 } } };
    return { operationId: `${r.operationId}Async`, send };
  });
  return { requests: [...requests, ...twins], problems };
}
