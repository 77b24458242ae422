/**
 * The transaction POSTs by the name a merchant looks for, each with its sync path and its async twin.
 * Checked against the generated `paths`: a path the spec does not have fails to compile.
 */
import { PayCrossConfigError } from "./errors.js";
import type { paths } from "./generated/schema.js";

export const TRANSACTION_OPERATIONS = {
  payments: { path: "/transactions/payments", operationId: "createPayment" },
  authorizations: { path: "/transactions/authorizations", operationId: "createAuthorization" },
  tokenizations: { path: "/transactions/tokenizations", operationId: "createTokenization" },
  captures: { path: "/transactions/captures", operationId: "createCapture" },
  voids: { path: "/transactions/voids", operationId: "createVoid" },
  refunds: { path: "/transactions/refunds", operationId: "createRefund" },
  payouts: { path: "/transactions/payouts", operationId: "createPayout" },
  checkups: { path: "/transactions/checkups", operationId: "createCheckup" },
  chargebacks: { path: "/transactions/chargebacks", operationId: "createChargeback" },
} as const satisfies Record<string, { path: keyof paths & `/transactions/${string}`; operationId: string }>;

export type TransactionOperationName = keyof typeof TRANSACTION_OPERATIONS;

/** Resolves to `true` only if every sync path has its `/async` twin in the spec (checked in the type tests). */
export type AsyncTwinsExist = {
  [K in TransactionOperationName]: `/async${(typeof TRANSACTION_OPERATIONS)[K]["path"]}` extends keyof paths
    ? true
    : false;
}[TransactionOperationName];

/** A path segment, percent-encoded; an empty id is a caller bug, reported before anything is sent. */
export function encodeId(value: string, what: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new PayCrossConfigError({ message: `${what} must be a non-empty string` });
  return encodeURIComponent(value);
}
