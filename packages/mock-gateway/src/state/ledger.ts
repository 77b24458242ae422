/**
 * The gateway's books: transactions with their parent/child chain, card tokens, the balance, and the
 * rules a gateway enforces (no capture above the authorized amount, no void after a capture, no refund
 * above what was paid, duplicate checks). Every method returns the HTTP answer the gateway would give.
 */
import { createHash, randomUUID } from "node:crypto";
import { INTERNAL_ERROR_MESSAGE, luhn, outcomeOf } from "../cards.js";
import type { Clock } from "../clock.js";
import type { Answer, Json } from "../types.js";
import { renderTransaction } from "./render.js";
import { baseError, error, messageFor, refusal } from "./rules.js";

export type { Answer, Json } from "../types.js";

export type TransactionType =
  | "payment"
  | "authorization"
  | "tokenization"
  | "capture"
  | "void"
  | "refund"
  | "payout"
  | "checkup"
  | "chargeback"
  | "credit";

interface CardData {
  number: string;
  holder: string | null;
  exp_month: number;
  exp_year: number;
  token: string;
  /** sha256 of the number: what `credit_card.stamp` shows. */
  stamp: string;
}

export interface StoredTransaction {
  uid: string;
  type: TransactionType;
  status: "successful" | "failed" | "incomplete" | "expired";
  amount: number;
  currency: string;
  description: string | null;
  tracking_id: string | null;
  message: string;
  test: boolean;
  language: string;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  parent_uid?: string;
  reason?: string;
  card?: CardData;
  customer?: Json;
  billing_address?: Json;
  additional_data?: Json;
  notification_url?: string;
  /** Children by type, for the chain rules. */
  captured: number;
  refunded: number;
  chargedBack: number;
  voided: boolean;
}

export interface LedgerEvents {
  /** A transaction was created or changed status (webhooks listen here). */
  changed(tx: StoredTransaction): void;
  /** An incomplete transaction must resolve later. */
  scheduleResolution(uid: string, finalStatus: "successful" | "failed"): void;
}

const DUPLICATE_WINDOW_MS = 30_000;
/** Money moves: payments and captures credit the account; refunds, chargebacks, payouts and credits debit it. */
const BALANCE_SIGN: Partial<Record<TransactionType, number>> = {
  payment: 1,
  capture: 1,
  refund: -1,
  chargeback: -1,
  payout: -1,
  credit: -1,
};
const MAX_BY_TRACKING_ID = 10;

const duplicate = (): Answer =>
  baseError("Duplicate request: an identical transaction was made less than 30 seconds ago");

export class Ledger {
  private readonly transactions = new Map<string, StoredTransaction>();
  private readonly byTrackingId = new Map<string, string[]>();
  private readonly tokens = new Map<string, CardData>();
  /** The same card is hashed once, not on every request (hashing dominated the mock's CPU profile). */
  private readonly cards = new Map<string, CardData>();
  private readonly recentFingerprints = new Map<string, number>();
  private pruneAt = 100_000;
  private readonly balances = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
    private readonly events: LedgerEvents,
  ) {}

  get size(): number {
    return this.transactions.size;
  }

  clear(): void {
    this.transactions.clear();
    this.byTrackingId.clear();
    this.tokens.clear();
    this.cards.clear();
    this.recentFingerprints.clear();
    this.balances.clear();
  }

  /** payment, authorization, tokenization, checkup, payout, credit (to the card behind a token) */
  cardTransaction(type: TransactionType, req: Json): Answer {
    const cardField = type === "payout" ? "recipient_credit_card" : "credit_card";
    const cardReq = (req[cardField] ?? {}) as Json;
    const card = this.resolveCard(cardReq);
    if ("status" in card) return card;
    const amount = req.amount as number;
    const dupKey = this.duplicateKey(req, `${type}|${amount}|${req.currency}|${card.number}`);
    if (dupKey && this.isDuplicate(dupKey)) return duplicate();
    const outcome = outcomeOf(card.number);
    if (outcome === "error") return error(500, INTERNAL_ERROR_MESSAGE);

    const now = this.clock.now();
    let status: StoredTransaction["status"] =
      outcome === "failed" ? "failed" : outcome.startsWith("incomplete") ? "incomplete" : "successful";
    // Checkups, payouts and credits never wait for 3-D Secure (no cardholder is present): they answer at once.
    if (status === "incomplete" && (type === "checkup" || type === "payout" || type === "credit"))
      status = "successful";
    const tx = this.store(
      {
        uid: randomUUID(),
        type,
        status,
        amount,
        currency: req.currency as string,
        description: (req.description as string) ?? null,
        tracking_id: (req.tracking_id as string) ?? null,
        message: messageFor(status),
        test: req.test === true,
        language: (req.language as string) ?? "en",
        created_at: now,
        updated_at: now,
        paid_at: status === "successful" && type !== "checkup" && type !== "tokenization" ? now : null,
        card,
        customer: (type === "payout" ? req.recipient : req.customer) as Json | undefined,
        billing_address: (type === "payout" ? req.recipient_billing_address : req.billing_address) as
          | Json
          | undefined,
        additional_data: req.additional_data as Json | undefined,
        notification_url: req.notification_url as string | undefined,
        captured: 0,
        refunded: 0,
        chargedBack: 0,
        voided: false,
      },
      dupKey,
    );
    if (status === "successful") this.book(tx);
    if (status === "incomplete")
      this.events.scheduleResolution(tx.uid, outcome === "incomplete_failed" ? "failed" : "successful");
    this.events.changed(tx);
    return { status: 200, body: { transaction: this.render(tx) }, uid: tx.uid };
  }

  /** capture, void, refund, chargeback */
  childTransaction(type: "capture" | "void" | "refund" | "chargeback", req: Json): Answer {
    const parent = this.transactions.get(req.parent_uid as string);
    if (!parent) return error(422, "Parent transaction not found", { parent_uid: ["is not found"] });
    const amount = req.amount as number;
    const dupKey = this.duplicateKey(req, `${type}|${parent.uid}|${amount}`);
    if (dupKey && this.isDuplicate(dupKey)) return duplicate();
    const refused = refusal(type, parent, amount);
    if (refused) return refused;

    const now = this.clock.now();
    const tx = this.store(
      {
        uid: randomUUID(),
        type,
        status: "successful",
        amount,
        currency: parent.currency,
        description: parent.description,
        tracking_id: parent.tracking_id,
        message: messageFor("successful"),
        test: parent.test,
        language: parent.language,
        created_at: now,
        updated_at: now,
        paid_at: now,
        parent_uid: parent.uid,
        ...(req.reason ? { reason: req.reason as string } : {}),
        ...(parent.card ? { card: parent.card } : {}),
        notification_url: (req.notification_url as string | undefined) ?? parent.notification_url,
        captured: 0,
        refunded: 0,
        chargedBack: 0,
        voided: false,
      },
      dupKey,
    );
    if (type === "capture") parent.captured += amount;
    if (type === "void") parent.voided = true;
    if (type === "refund") parent.refunded += amount;
    if (type === "chargeback") parent.chargedBack += amount;
    parent.updated_at = now;
    this.book(tx);
    this.events.changed(tx);
    return { status: 200, body: { transaction: this.render(tx) }, uid: tx.uid };
  }

  get(uid: string): Answer {
    const tx = this.transactions.get(uid);
    if (!tx) return error(404, "Record not found");
    return { status: 200, body: { transaction: this.render(tx) }, uid };
  }

  listByTrackingId(trackingId: string): Answer {
    const uids = this.byTrackingId.get(trackingId) ?? [];
    const transactions = uids
      .slice(-MAX_BY_TRACKING_ID)
      .reverse()
      .map((uid) => this.render(this.transactions.get(uid)!));
    return { status: 200, body: { transactions } };
  }

  balance(req: Json): Answer {
    const currency = (req.currency as string | undefined) ?? "USD";
    return {
      status: 200,
      body: {
        status: "successful",
        result: {
          gatewayId: 1,
          account: (req.account as string | undefined) ?? "40702810000000000001",
          amount: this.balances.get(currency) ?? 0,
          currency,
          bankInfo: {},
        },
      },
    };
  }

  /** The current answer for a transaction (idempotent replays return the current status). */
  current(uid: string): Answer | undefined {
    const tx = this.transactions.get(uid);
    return tx ? { status: 200, body: { transaction: this.render(tx) }, uid } : undefined;
  }

  /** 3-D Secure finished: the incomplete transaction becomes final. */
  resolve(uid: string, finalStatus: "successful" | "failed"): void {
    const tx = this.transactions.get(uid);
    if (tx?.status !== "incomplete") return;
    const now = this.clock.now();
    tx.status = finalStatus;
    tx.message = messageFor(finalStatus);
    tx.updated_at = now;
    if (finalStatus === "successful") {
      tx.paid_at = now;
      this.book(tx);
    }
    this.events.changed(tx);
  }

  /** The transaction on the wire (see render.ts). */
  render(tx: StoredTransaction): Json {
    return renderTransaction(tx, this.baseUrl());
  }

  private resolveCard(cardReq: Json): CardData | Answer {
    if (typeof cardReq.token === "string") {
      const card = this.tokens.get(cardReq.token);
      if (!card) return error(422, "Token is invalid", { credit_card: { token: ["is invalid"] } });
      return card;
    }
    const number = String(cardReq.number);
    if (!luhn(number))
      return error(422, "Credit card number is invalid", { credit_card: { number: ["is invalid"] } });
    const exp_month = Number(cardReq.exp_month);
    const exp_year = Number(cardReq.exp_year);
    const now = new Date(this.clock.now());
    if (
      exp_year < now.getUTCFullYear() ||
      (exp_year === now.getUTCFullYear() && exp_month < now.getUTCMonth() + 1)
    ) {
      return error(422, "Credit card is expired", { credit_card: { exp_year: ["is expired"] } });
    }
    const holder = (cardReq.holder as string) ?? null;
    const key = `${number}|${exp_month}|${exp_year}|${holder}`;
    let card = this.cards.get(key);
    if (!card) {
      const token = createHash("sha256").update(`token:${number}:${exp_month}:${exp_year}`).digest("hex");
      const stamp = createHash("sha256").update(number).digest("hex");
      card = { number, holder, exp_month, exp_year, token, stamp };
      if (this.cards.size > 100_000) this.cards.clear();
      this.cards.set(key, card);
      this.tokens.set(token, card);
    }
    return card;
  }

  private duplicateKey(req: Json, key: string): string | undefined {
    return req.duplicate_check === false ? undefined : key;
  }

  private isDuplicate(key: string): boolean {
    const last = this.recentFingerprints.get(key);
    return last !== undefined && this.clock.now() - last < DUPLICATE_WINDOW_MS;
  }

  /**
   * Records a transaction with its duplicate-check fingerprint in one step: a fingerprint exists only
   * for a transaction that exists (a refused or failed request leaves none to block a retry).
   */
  private store(tx: StoredTransaction, dupKey: string | undefined): StoredTransaction {
    if (dupKey) {
      if (this.recentFingerprints.size > this.pruneAt) this.pruneFingerprints();
      this.recentFingerprints.set(dupKey, tx.created_at);
    }
    this.transactions.set(tx.uid, tx);
    if (tx.tracking_id) {
      const list = this.byTrackingId.get(tx.tracking_id) ?? [];
      list.push(tx.uid);
      if (list.length > MAX_BY_TRACKING_ID * 4) list.splice(0, list.length - MAX_BY_TRACKING_ID);
      this.byTrackingId.set(tx.tracking_id, list);
    }
    return tx;
  }

  /** Drops fingerprints past the window; the next sweep waits for the map to double (amortized O(1)). */
  private pruneFingerprints(): void {
    const now = this.clock.now();
    for (const [k, at] of this.recentFingerprints)
      if (now - at >= DUPLICATE_WINDOW_MS) this.recentFingerprints.delete(k);
    this.pruneAt = Math.max(100_000, this.recentFingerprints.size * 2);
  }

  /** Money moves: payments and captures credit the account; refunds, chargebacks, payouts and credits debit it. */
  private book(tx: StoredTransaction): void {
    const sign = BALANCE_SIGN[tx.type] ?? 0;
    if (sign) this.balances.set(tx.currency, (this.balances.get(tx.currency) ?? 0) + sign * tx.amount);
  }
}
