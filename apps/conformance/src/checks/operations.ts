/**
 * A valid request for every operation of the spec's catalogue (`OPERATIONS`), in both modes. Paths and
 * operationIds come from the catalogue; what is written here is only how to fill each request body,
 * one builder per catalogue name, so a new operation in the catalogue fails to compile until it has
 * one. Child transactions and credits get fresh parents first, so each request is one the gateway
 * must accept.
 */
import { OPERATIONS, type OperationName } from "@paycross/spec";
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
interface Parent {
  uid: string;
  amount: number;
  token?: string;
  trackingId: string;
}

async function parent(ctx: Context, kind: "payments" | "authorizations"): Promise<Parent | undefined> {
  const body = ctx.payment();
  const operation = kind === "payments" ? "createPayment" : "createAuthorization";
  const res = await ctx.http
    .send({ method: "POST", path: `/transactions/${kind}`, body: { request: body }, operation })
    .catch(noAnswer);
  const tx = (
    res?.json as
      | { transaction?: { uid?: string; status?: string; credit_card?: { token?: string } } }
      | undefined
  )?.transaction;
  if (res?.status !== 200 || !tx?.uid || tx.status !== "successful") return undefined;
  return {
    uid: tx.uid,
    amount: body.amount,
    trackingId: body.tracking_id,
    ...(tx.credit_card?.token ? { token: tx.credit_card.token } : {}),
  };
}

/** What the builders need: a parent per child request, in each mode (a void consumes its authorization). */
interface Parents {
  /** The twins differ in amount: two identical child requests within 30 s would be duplicates. */
  mode: "sync" | "async";
  payment: Parent | undefined;
  capture: Parent | undefined;
  void: Parent | undefined;
}

const child = (p: Parent | undefined, amount: number, extra: Json = {}) =>
  p ? { parent_uid: p.uid, amount, duplicate_check: false, ...extra } : undefined;

/** How to fill the request of each catalogue operation: a body, or the path parameters of a query. */
const BUILDERS: Record<OperationName, Builder> = {
  payment: (ctx) => ctx.payment(),
  authorization: (ctx) => ctx.payment(),
  tokenization: (ctx) => ctx.payment(),
  checkup: (ctx) => ctx.payment(),
  capture: (_ctx, p) => child(p.capture, 1),
  void: (_ctx, p) => child(p.void, p.void?.amount ?? 1),
  refund: (_ctx, p) => child(p.payment, 1, { reason: "conformance" }),
  chargeback: (_ctx, p) =>
    p.payment ? { parent_uid: p.payment.uid, amount: 1, reason: "conformance" } : undefined,
  credit: (ctx, p) =>
    p.payment?.token
      ? {
          amount: ctx.amount(),
          currency: ctx.profile.currency,
          description: "PayCross conformance credit",
          tracking_id: ctx.trackingId("credit"),
          test: true,
          duplicate_check: false,
          credit_card: { token: p.payment.token },
        }
      : undefined,
  payout: (ctx) => ({
    amount: ctx.amount(),
    currency: ctx.profile.currency,
    description: "PayCross conformance payout",
    tracking_id: ctx.trackingId("payout"),
    test: true,
    duplicate_check: false,
    recipient_credit_card: ctx.card(),
  }),
  balance: (ctx) => ({ currency: ctx.profile.currency }),
  transaction: (_ctx, p) => (p.payment ? { uid: p.payment.uid } : undefined),
  transactionsByTrackingId: (_ctx, p) => (p.payment ? { tracking_id: p.payment.trackingId } : undefined),
};

type Builder = (ctx: Context, p: Parents) => Json | undefined;

/** An operation without a builder of its own is filled as others of its request schema are. */
const BY_REQUEST_SCHEMA: Partial<Record<string, Builder>> = {
  PaymentRequestEnvelope: (ctx) => ctx.payment(),
};

function builderOf(name: OperationName): Builder | undefined {
  return BUILDERS[name] ?? BY_REQUEST_SCHEMA[OPERATIONS[name].requestSchema ?? ""];
}

/** Headers an operation requires (the balance query's API version), read from the contract. */
function requiredHeaders(ctx: Context, operationId: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const p of ctx.contract.parameters(operationId)) {
    const value = (p.schema as { const?: unknown } | undefined)?.const;
    if (p.in === "header" && p.required && typeof value === "string") headers[p.name] = value;
  }
  return Object.keys(headers).length ? headers : undefined;
}

function build(
  ctx: Context,
  name: OperationName,
  mode: "sync" | "async",
  parents: Parents,
): PreparedRequest | undefined {
  const entry = OPERATIONS[name];
  const operationId = mode === "sync" ? entry.syncOperationId : entry.asyncOperationId;
  const input = builderOf(name)?.(ctx, parents);
  if (!input) return undefined;
  const template = mode === "sync" ? entry.syncPath : entry.asyncPath;
  const headers = requiredHeaders(ctx, operationId);
  if (entry.method === "GET") {
    const path = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(String(input[k])));
    return { operationId, send: { method: "GET", path } };
  }
  return {
    operationId,
    send: { method: "POST", path: template, body: { request: input }, ...(headers ? { headers } : {}) },
  };
}

/** A valid request for each operation in both modes, and what could not be prepared. */
export async function prepareRequests(
  ctx: Context,
): Promise<{ requests: PreparedRequest[]; problems: string[] }> {
  const [payment, ...auths] = await Promise.all([
    parent(ctx, "payments"),
    ...[0, 1, 2, 3].map(() => parent(ctx, "authorizations")),
  ]);
  const problems: string[] = [];
  if (!payment)
    problems.push("could not create a successful payment to refund, charge back, query and credit");
  else if (!payment.token) problems.push("the payment's answer has no credit_card.token to credit");
  if (auths.some((a) => !a)) problems.push("could not create successful authorizations to capture and void");
  const requests: PreparedRequest[] = [];
  for (const [mode, capture, voided] of [
    ["sync", auths[0], auths[1]],
    ["async", auths[2], auths[3]],
  ] as const)
    for (const name of Object.keys(OPERATIONS) as OperationName[]) {
      if (!builderOf(name)) {
        if (mode === "sync") problems.push(`no request builder for the operation ${name}`);
        continue;
      }
      const r = build(ctx, name, mode, { mode, payment, capture, void: voided });
      if (r) requests.push(r);
    }
  return { requests, problems };
}
