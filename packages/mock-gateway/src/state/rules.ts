/**
 * The chain rules a gateway enforces on child transactions: no capture above the authorized amount, no
 * void after a capture, no refund or chargeback above what was paid, only the right parent types.
 */
import { DECLINE_MESSAGE } from "../cards.js";
import type { Answer, Json } from "../types.js";
import type { StoredTransaction } from "./ledger.js";

export const error = (status: number, message: string, errors?: Json): Answer => ({
  status,
  body: errors ? { message, errors } : { message },
});
export const baseError = (message: string): Answer => error(422, message, { base: [message] });

export function refusal(
  type: "capture" | "void" | "refund" | "chargeback",
  parent: StoredTransaction,
  amount: number,
): Answer | undefined {
  if (parent.status !== "successful")
    return baseError(`Transaction can't be ${pastTense(type)}: its status is ${parent.status}`);
  if (type === "capture" || type === "void") {
    if (parent.type !== "authorization") return baseError(`Only an authorization can be ${pastTense(type)}`);
    if (parent.voided) return baseError(`Transaction can't be ${pastTense(type)}: it was voided`);
    if (type === "void" && parent.captured > 0)
      return baseError("Transaction can't be voided: it was captured");
    if (amount > parent.amount - parent.captured)
      return error(422, "Amount exceeds the authorized amount", {
        amount: [`must be at most ${parent.amount - parent.captured}`],
      });
    return undefined;
  }
  if (parent.type !== "payment" && parent.type !== "capture")
    return baseError(`Only a payment or capture can be ${pastTense(type)}`);
  const used =
    type === "refund" ? parent.refunded + parent.chargedBack : parent.chargedBack + parent.refunded;
  if (amount > parent.amount - used)
    return error(422, `Amount exceeds the ${type === "refund" ? "refundable" : "disputable"} amount`, {
      amount: [`must be at most ${parent.amount - used}`],
    });
  return undefined;
}

export function messageFor(status: string): string {
  if (status === "successful") return "Successfully processed";
  if (status === "failed") return DECLINE_MESSAGE;
  if (status === "incomplete") return "Authentication required: redirect the customer to redirect_url";
  return status;
}

function pastTense(type: string): string {
  return (
    { capture: "captured", void: "voided", refund: "refunded", chargeback: "charged back" }[type] ?? type
  );
}
