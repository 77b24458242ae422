/** Names for the generated types, so callers never spell out `components["schemas"][...]`. */
import type { components, operations } from "@paycross/spec/types";

type Schemas = components["schemas"];
export type Transaction = Schemas["Transaction"];
export type TransactionStatus = Schemas["TransactionStatus"];
export type TransactionType = Schemas["TransactionType"];
export type TransactionResponse = Schemas["TransactionResponse"];
export type TransactionListResponse = Schemas["TransactionListResponse"];
export type BalanceResponse = Schemas["BalanceResponse"];
export type PaymentRequest = Schemas["PaymentRequest"];
export type CheckupRequest = Schemas["CheckupRequest"];
export type ChildTransactionRequest = Schemas["ChildTransactionRequest"];
export type RefundRequest = Schemas["RefundRequest"];
export type ChargebackRequest = Schemas["ChargebackRequest"];
export type PayoutRequest = Schemas["PayoutRequest"];
export type BalanceRequest = Schemas["BalanceRequest"];
export type AsyncTaskAccepted = Schemas["AsyncTaskAccepted"];
export type AsyncTaskStatus = Schemas["AsyncTaskStatus"];
export type AsyncResultBody = Schemas["AsyncResult"];
export type ErrorResponse = Schemas["ErrorResponse"];

/** The inner `request` object of an operation's body (the client adds the `{"request": ...}` envelope). */
export type RequestOf<Op extends keyof operations> = operations[Op] extends {
  requestBody: { content: { "application/json": { request: infer R } } };
}
  ? R
  : never;

/** The 200 body of an operation. */
export type Ok<Op extends keyof operations> = operations[Op] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;
