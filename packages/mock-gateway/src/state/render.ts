/**
 * The wire form of a stored transaction: what the gateway answers and notifies. The ledger keeps the
 * facts; this is the only place that decides field names, dates and the processor sections.
 *
 * Two renderings of the same form: `renderTransaction` builds the object (webhooks, lists), and
 * `transactionJson` writes the same bytes straight to a string (the answer to every transaction call,
 * the mock's hot path: building the object and then `JSON.stringify` cost ~4 µs of a ~20 µs request).
 * A property test holds them byte-equal.
 */
import { brandOf } from "../cards.js";
import type { Json } from "../types.js";
import type { CardData } from "./cardbook.js";
import type { StoredTransaction } from "./ledger.js";

/**
 * One `toISOString` per distinct millisecond, and the same string instance for every transaction of
 * that millisecond: the ledger keeps dates as these strings, so a stored transaction holds no number
 * boxes of its own (each kept object costs the garbage collector a copy; see PERFORMANCE.md).
 */
let lastMs = Number.NaN;
let lastIso = "";
let lastRrn = "";
export function isoOf(ms: number): string {
  if (ms !== lastMs) stampMs(ms);
  return lastIso;
}

/** The processor's retrieval reference number, derived from the creation time. */
export function rrnOf(ms: number): string {
  if (ms !== lastMs) stampMs(ms);
  return lastRrn;
}

/** `YYYY-MM-DDTHH:MM:` of the current minute: within it, an ISO date is that prefix plus seconds and ms. */
let minuteFrom = Number.NaN;
let minutePrefix = "";

function stampMs(ms: number): void {
  const inMinute = ms - minuteFrom;
  if (inMinute >= 0 && inMinute < 60_000) {
    const sec = Math.floor(inMinute / 1000);
    const milli = inMinute % 1000;
    lastIso = `${minutePrefix}${sec < 10 ? "0" : ""}${sec}.${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
  } else {
    lastIso = new Date(ms).toISOString();
    // Years beyond 9999 (a `+` prefix) or before 1970 keep using toISOString for every date.
    minuteFrom = ms >= 0 && lastIso.length === 24 ? ms - (ms % 60_000) : Number.NaN;
    minutePrefix = lastIso.slice(0, 17);
  }
  lastRrn = String(100_000_000 + (ms % 900_000_000));
  lastMs = ms;
}
const THREE_DS = { status: "pending", message: "Authentication required", ve_status: "Y" };

export function renderTransaction(tx: StoredTransaction, baseUrl: string): Json {
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
    created_at: tx.created_at,
    updated_at: tx.updated_at,
    paid_at: tx.paid_at,
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
    out.three_d_secure_verification = { ...THREE_DS };
  }
  if (tx.type === "checkup") out.be_protected_verification = protection(tx.status === "successful");
  else if (tx.type !== "tokenization") out[tx.type] = processor(tx);
  return out;
}

function protection(ok: boolean): Json {
  return {
    status: ok ? "successful" : "failed",
    message: ok ? "All checks passed" : "Card is blacklisted",
    white_black_list: { email: "absent", ip: "absent", card_number: ok ? "absent" : "black" },
  };
}

function processor(tx: StoredTransaction): Json {
  const ok = tx.status === "successful";
  return {
    status: tx.status,
    message: tx.message,
    auth_code: ok ? "654321" : null,
    bank_code: ok ? "05" : "51",
    rrn: tx.rrn,
    ref_id: tx.uid.slice(0, 8),
    amount: tx.amount,
    currency: tx.currency,
    billing_descriptor: "PAYCROSS*MOCK",
    gateway_id: 1,
  };
}

// --- the same form, written as a string -------------------------------------------------------------

/** A JSON string literal; values the mock made itself (uids, hex, ISO dates, rrn) need no escaping. */
const q = JSON.stringify;
/** A JSON number as `JSON.stringify` writes it (`null` for NaN/Infinity, which validation keeps out). */
const num = (n: number) => (Number.isFinite(n) ? String(n) : "null");
const THREE_DS_JSON = q(THREE_DS);
const PROTECTION_OK_JSON = q(protection(true));
const PROTECTION_REFUSED_JSON = q(protection(false));

/** The base URL's escaped form, computed once per distinct base URL (it is set once at start). */
let lastBase: string | undefined;
let lastBaseJson = "";
function escapedBase(baseUrl: string): string {
  if (baseUrl !== lastBase) {
    lastBaseJson = q(baseUrl).slice(1, -1);
    lastBase = baseUrl;
  }
  return lastBaseJson;
}

/**
 * The `,"credit_card":{…}` member of a transaction's JSON. It depends on the card alone, so the card book
 * writes it once per distinct card (`CardData.json`) instead of once per answer.
 */
export function cardJson(card: CardData): string {
  const n = card.number; // digits only: luhn() refuses anything else
  return `,"credit_card":{"holder":${q(card.holder)},"stamp":"${card.stamp}","brand":"${brandOf(n)}","last_4":"${n.slice(-4)}","first_1":"${n.slice(0, 1)}","bin":"${n.slice(0, 6)}","exp_month":${num(card.exp_month)},"exp_year":${num(card.exp_year)},"token":"${card.token}"}`;
}

/** `JSON.stringify(renderTransaction(tx, baseUrl))`, without building the object. */
export function transactionJson(tx: StoredTransaction, baseUrl: string): string {
  // `JSON.stringify` leaves out an undefined field; the template would not. The ledger always sets both.
  if (tx.amount === undefined || tx.currency === undefined) return q(renderTransaction(tx, baseUrl));
  const base = escapedBase(baseUrl);
  let s = `{"uid":"${tx.uid}","status":"${tx.status}","type":"${tx.type}","amount":${num(tx.amount)},"currency":${q(tx.currency)},"description":${q(tx.description)},"tracking_id":${q(tx.tracking_id)},"message":${q(tx.message)},"test":${tx.test},"payment_method_type":"credit_card","language":${q(tx.language)},"created_at":"${tx.created_at}","updated_at":"${tx.updated_at}","paid_at":${tx.paid_at === null ? "null" : `"${tx.paid_at}"`},"receipt_url":"${base}/receipts/${tx.uid}"`;
  if (tx.parent_uid) s += `,"parent_uid":"${tx.parent_uid}"`;
  if (tx.reason) s += `,"reason":${q(tx.reason)}`;
  if (tx.card) s += tx.card.json ?? cardJson(tx.card);
  if (tx.customer) s += `,"customer":${q(tx.customer)}`;
  if (tx.billing_address) s += `,"billing_address":${q(tx.billing_address)}`;
  if (tx.additional_data) s += `,"additional_data":${q(tx.additional_data)}`;
  if (tx.status === "incomplete")
    s += `,"redirect_url":"${base}/process/${tx.uid}","three_d_secure_verification":${THREE_DS_JSON}`;
  if (tx.type === "checkup")
    s += `,"be_protected_verification":${tx.status === "successful" ? PROTECTION_OK_JSON : PROTECTION_REFUSED_JSON}`;
  else if (tx.type !== "tokenization") {
    const ok = tx.status === "successful";
    s += `,"${tx.type}":{"status":"${tx.status}","message":${q(tx.message)},"auth_code":${ok ? '"654321"' : "null"},"bank_code":"${ok ? "05" : "51"}","rrn":"${tx.rrn}","ref_id":"${tx.uid.slice(0, 8)}","amount":${num(tx.amount)},"currency":${q(tx.currency)},"billing_descriptor":"PAYCROSS*MOCK","gateway_id":1}`;
  }
  return `${s}}`;
}
