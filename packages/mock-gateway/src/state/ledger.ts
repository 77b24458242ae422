/**
 * The gateway's books: transactions with their parent/child chain, card tokens, the balance, and the
 * rules a gateway enforces (no capture above the authorized amount, no void after a capture, no refund
 * above what was paid, duplicate checks). Every method returns the HTTP answer the gateway would give.
 */
import { INTERNAL_ERROR_MESSAGE, outcomeOf } from "../cards.js";
import type { Clock } from "../clock.js";
import { type Answer, type Json, JsonAnswer } from "../types.js";
import { CardBook, type CardData } from "./cardbook.js";
import { isoOf, renderTransaction, rrnOf, transactionJson } from "./render.js";
import { TransactionRing } from "./ring.js";
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
  /** ISO 8601 (`isoOf`), shared by every transaction of the same millisecond. */
  created_at: string;
  updated_at: string;
  paid_at: string | null;
  rrn: string;
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
/** Transactions kept by default; beyond it the oldest is forgotten (see README, "Memory"). */
export const DEFAULT_MAX_TRANSACTIONS = 100_000;

/** The duplicate check is on unless the request turns it off (its fingerprint is built only then). */
const checksDuplicates = (req: Json) => req.duplicate_check !== false;
const duplicate = (): Answer =>
  baseError("Duplicate request: an identical transaction was made less than 30 seconds ago");

export class Ledger {
  /** At most `maxTransactions`; the oldest is forgotten first, with its tracking-id entry. */
  private readonly transactions: TransactionRing<StoredTransaction>;
  private readonly byTrackingId = new Map<string, string[]>();
  private readonly cards = new CardBook();
  private readonly recentFingerprints = new Map<string, number>();
  private pruneAt = 100_000;
  private readonly balances = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
    private readonly events: LedgerEvents,
    maxTransactions = DEFAULT_MAX_TRANSACTIONS,
  ) {
    this.transactions = new TransactionRing(maxTransactions, (tx) => this.forgetTrackingId(tx));
  }

  get size(): number {
    return this.transactions.size;
  }

  clear(): void {
    this.transactions.clear();
    this.byTrackingId.clear();
    this.cards.clear();
    this.recentFingerprints.clear();
    this.balances.clear();
  }

  /** payment, authorization, tokenization, checkup, payout, credit (to the card behind a token) */
  cardTransaction(type: TransactionType, req: Json): Answer {
    const cardField = type === "payout" ? "recipient_credit_card" : "credit_card";
    const cardReq = (req[cardField] ?? {}) as Json;
    const now = this.clock.now();
    const card = this.cards.resolve(cardReq, now);
    if ("status" in card) return card;
    const amount = req.amount as number;
    const dupKey = checksDuplicates(req) ? `${type}|${amount}|${req.currency}|${card.number}` : undefined;
    if (dupKey && this.isDuplicate(dupKey, now)) return duplicate();
    const outcome = outcomeOf(card.number);
    if (outcome === "error") return error(500, INTERNAL_ERROR_MESSAGE);

    let status: StoredTransaction["status"] =
      outcome === "failed" ? "failed" : outcome.startsWith("incomplete") ? "incomplete" : "successful";
    // Checkups, payouts and credits never wait for 3-D Secure (no cardholder is present): they answer at once.
    if (status === "incomplete" && (type === "checkup" || type === "payout" || type === "credit"))
      status = "successful";
    // Every transaction is built with the same fields in the same order: one hidden class for the ledger.
    const tx = this.store(
      {
        uid: this.transactions.nextUid(),
        type,
        status,
        amount,
        currency: req.currency as string,
        description: (req.description as string) ?? null,
        tracking_id: (req.tracking_id as string) ?? null,
        message: messageFor(status),
        test: req.test === true,
        language: (req.language as string) ?? "en",
        created_at: isoOf(now),
        updated_at: isoOf(now),
        paid_at: status === "successful" && type !== "checkup" && type !== "tokenization" ? isoOf(now) : null,
        rrn: rrnOf(now),
        parent_uid: undefined,
        reason: undefined,
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
      now,
    );
    if (status === "successful") this.book(tx);
    if (status === "incomplete")
      this.events.scheduleResolution(tx.uid, outcome === "incomplete_failed" ? "failed" : "successful");
    this.events.changed(tx);
    return this.answer(tx);
  }

  /** capture, void, refund, chargeback */
  childTransaction(type: "capture" | "void" | "refund" | "chargeback", req: Json): Answer {
    const parent = this.transactions.get(req.parent_uid as string);
    if (!parent) return error(422, "Parent transaction not found", { parent_uid: ["is not found"] });
    const amount = req.amount as number;
    const dupKey = checksDuplicates(req) ? `${type}|${parent.uid}|${amount}` : undefined;
    const now = this.clock.now();
    if (dupKey && this.isDuplicate(dupKey, now)) return duplicate();
    const refused = refusal(type, parent, amount);
    if (refused) return refused;

    const tx = this.store(
      {
        uid: this.transactions.nextUid(),
        type,
        status: "successful",
        amount,
        currency: parent.currency,
        description: parent.description,
        tracking_id: parent.tracking_id,
        message: messageFor("successful"),
        test: parent.test,
        language: parent.language,
        created_at: isoOf(now),
        updated_at: isoOf(now),
        paid_at: isoOf(now),
        rrn: rrnOf(now),
        parent_uid: parent.uid,
        reason: (req.reason as string | undefined) || undefined,
        card: parent.card,
        customer: undefined,
        billing_address: undefined,
        additional_data: undefined,
        notification_url: (req.notification_url as string | undefined) ?? parent.notification_url,
        captured: 0,
        refunded: 0,
        chargedBack: 0,
        voided: false,
      },
      dupKey,
      now,
    );
    if (type === "capture") parent.captured += amount;
    if (type === "void") parent.voided = true;
    if (type === "refund") parent.refunded += amount;
    if (type === "chargeback") parent.chargedBack += amount;
    parent.updated_at = isoOf(now);
    this.book(tx);
    this.events.changed(tx);
    return this.answer(tx);
  }

  get(uid: string): Answer {
    const tx = this.transactions.get(uid);
    if (!tx) return error(404, "Record not found");
    return this.answer(tx);
  }

  listByTrackingId(trackingId: string): Answer {
    const uids = this.byTrackingId.get(trackingId) ?? [];
    const base = this.baseUrl();
    const transactions = uids
      .slice(-MAX_BY_TRACKING_ID)
      .reverse()
      .map((uid) => transactionJson(this.transactions.get(uid)!, base));
    return new JsonAnswer(200, `{"transactions":[${transactions.join(",")}]}`);
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
    return tx ? this.answer(tx) : undefined;
  }

  /** 3-D Secure finished: the incomplete transaction becomes final. */
  resolve(uid: string, finalStatus: "successful" | "failed"): void {
    const tx = this.transactions.get(uid);
    if (tx?.status !== "incomplete") return;
    const now = this.clock.now();
    tx.status = finalStatus;
    tx.message = messageFor(finalStatus);
    tx.updated_at = isoOf(now);
    if (finalStatus === "successful") {
      tx.paid_at = isoOf(now);
      this.book(tx);
    }
    this.events.changed(tx);
  }

  /** The transaction on the wire (see render.ts). */
  render(tx: StoredTransaction): Json {
    return renderTransaction(tx, this.baseUrl());
  }

  /** The 200 answer about a transaction, written straight to JSON. */
  private answer(tx: StoredTransaction): Answer {
    return new JsonAnswer(200, `{"transaction":${transactionJson(tx, this.baseUrl())}}`, tx.uid);
  }

  private isDuplicate(key: string, now: number): boolean {
    const last = this.recentFingerprints.get(key);
    return last !== undefined && now - last < DUPLICATE_WINDOW_MS;
  }

  /**
   * Records a transaction with its duplicate-check fingerprint in one step: a fingerprint exists only
   * for a transaction that exists (a refused or failed request leaves none to block a retry).
   */
  private store(tx: StoredTransaction, dupKey: string | undefined, now: number): StoredTransaction {
    if (dupKey) {
      if (this.recentFingerprints.size > this.pruneAt) this.pruneFingerprints();
      this.recentFingerprints.set(dupKey, now);
    }
    this.transactions.add(tx);
    if (tx.tracking_id) {
      const list = this.byTrackingId.get(tx.tracking_id) ?? [];
      list.push(tx.uid);
      if (list.length > MAX_BY_TRACKING_ID * 4) list.splice(0, list.length - MAX_BY_TRACKING_ID);
      this.byTrackingId.set(tx.tracking_id, list);
    }
    return tx;
  }

  /** An evicted transaction leaves its tracking id's list (and an emptied list goes): memory stays bounded. */
  private forgetTrackingId(tx: StoredTransaction): void {
    const list = tx.tracking_id ? this.byTrackingId.get(tx.tracking_id) : undefined;
    if (!list) return;
    const at = list.indexOf(tx.uid);
    if (at !== -1) list.splice(at, 1);
    if (list.length === 0) this.byTrackingId.delete(tx.tracking_id!);
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
