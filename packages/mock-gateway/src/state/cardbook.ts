/**
 * Card data as the gateway keeps it: a number checked (Luhn, expiry), its token and stamp (sha256, so
 * each distinct card is hashed once, not on every request: hashing once dominated the mock's profile),
 * and the token → card index that `credit_card.token` charges go through. Both maps are bounded.
 */
import { createHash } from "node:crypto";
import { luhn } from "../cards.js";
import type { Answer, Json } from "../types.js";
import { BoundedMap } from "./bounded.js";
import { cardJson } from "./render.js";
import { error } from "./rules.js";

export interface CardData {
  number: string;
  holder: string | null;
  exp_month: number;
  exp_year: number;
  token: string;
  /** sha256 of the number: what `credit_card.stamp` shows. */
  stamp: string;
  /** The card's member of a transaction's JSON (`cardJson`), written once per card. */
  json?: string;
}

/** Distinct cards (and tokens) remembered; beyond it the oldest is forgotten (its token then is invalid). */
export const MAX_CARDS = 100_000;

export class CardBook {
  private readonly tokens = new BoundedMap<string, CardData>(MAX_CARDS);
  private readonly cards = new BoundedMap<string, CardData>(MAX_CARDS);
  /** The current UTC year and month, recomputed only when `now` leaves the month they were read in. */
  private monthFrom = 0;
  private monthTo = -1;
  private year = 0;
  private month = 0;

  clear(): void {
    this.tokens.clear();
    this.cards.clear();
  }

  /** The card of a request (`number` with expiry, or `token`), or the gateway's 422 saying why not. */
  resolve(cardReq: Json, now: number): CardData | Answer {
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
    if (now < this.monthFrom || now > this.monthTo) this.readMonth(now);
    if (exp_year < this.year || (exp_year === this.year && exp_month < this.month))
      return error(422, "Credit card is expired", { credit_card: { exp_year: ["is expired"] } });
    const holder = (cardReq.holder as string) ?? null;
    const key = `${number}|${exp_month}|${exp_year}|${holder}`;
    let card = this.cards.get(key);
    if (!card) {
      const token = createHash("sha256").update(`token:${number}:${exp_month}:${exp_year}`).digest("hex");
      const stamp = createHash("sha256").update(number).digest("hex");
      card = { number, holder, exp_month, exp_year, token, stamp, json: undefined };
      card.json = cardJson(card);
      this.cards.set(key, card);
      this.tokens.set(token, card);
    }
    return card;
  }

  private readMonth(now: number): void {
    const d = new Date(now);
    this.year = d.getUTCFullYear();
    this.month = d.getUTCMonth() + 1;
    this.monthFrom = Date.UTC(this.year, this.month - 1, 1);
    this.monthTo = Date.UTC(this.year, this.month, 1) - 1;
  }
}
