/**
 * The wire form of a stored transaction: what the gateway answers and notifies. The ledger keeps the
 * facts; this is the only place that decides field names, dates and the processor sections.
 */
import { brandOf } from "../cards.js";
import type { Json } from "../types.js";
import type { StoredTransaction } from "./ledger.js";

export function renderTransaction(tx: StoredTransaction, baseUrl: string): Json {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const out: Json = {
    uid: tx.uid,
    status: tx.status,
    type: tx.type,
    amount: tx.amount,
    currency: tx.currency,
    description: tx.description,
    tracking_id: tx.tracking_id,
    message: tx.message,
    test: tx.test,
    payment_method_type: "credit_card",
    language: tx.language,
    created_at: iso(tx.created_at),
    updated_at: iso(tx.updated_at),
    paid_at: iso(tx.paid_at),
    receipt_url: `${baseUrl}/receipts/${tx.uid}`,
  };
  if (tx.parent_uid) out.parent_uid = tx.parent_uid;
  if (tx.reason) out.reason = tx.reason;
  if (tx.card) {
    out.credit_card = {
      holder: tx.card.holder,
      stamp: tx.card.stamp,
      brand: brandOf(tx.card.number),
      last_4: tx.card.number.slice(-4),
      first_1: tx.card.number.slice(0, 1),
      bin: tx.card.number.slice(0, 6),
      exp_month: tx.card.exp_month,
      exp_year: tx.card.exp_year,
      token: tx.card.token,
    };
  }
  if (tx.customer) out.customer = tx.customer;
  if (tx.billing_address) out.billing_address = tx.billing_address;
  if (tx.additional_data) out.additional_data = tx.additional_data;
  if (tx.status === "incomplete") {
    out.redirect_url = `${baseUrl}/process/${tx.uid}`;
    out.three_d_secure_verification = {
      status: "pending",
      message: "Authentication required",
      ve_status: "Y",
    };
  }
  if (tx.type === "checkup") {
    out.be_protected_verification = {
      status: tx.status === "successful" ? "successful" : "failed",
      message: tx.status === "successful" ? "All checks passed" : "Card is blacklisted",
      white_black_list: {
        email: "absent",
        ip: "absent",
        card_number: tx.status === "successful" ? "absent" : "black",
      },
    };
  } else if (tx.type !== "tokenization") {
    out[tx.type] = {
      status: tx.status,
      message: tx.message,
      auth_code: tx.status === "successful" ? "654321" : null,
      bank_code: tx.status === "successful" ? "05" : "51",
      rrn: String(100_000_000 + (tx.created_at % 900_000_000)),
      ref_id: tx.uid.slice(0, 8),
      amount: tx.amount,
      currency: tx.currency,
      billing_descriptor: "PAYCROSS*MOCK",
      gateway_id: 1,
    };
  }
  return out;
}
