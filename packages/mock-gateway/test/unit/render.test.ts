import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { BoundedMap } from "../../src/state/bounded.js";
import { Ledger, type StoredTransaction } from "../../src/state/ledger.js";
import { isoOf, renderTransaction, rrnOf, transactionJson } from "../../src/state/render.js";
import { card } from "../helpers.js";

const TYPES = [
  "payment",
  "authorization",
  "tokenization",
  "capture",
  "void",
  "refund",
  "payout",
  "checkup",
  "chargeback",
  "credit",
] as const;
const STATUSES = ["successful", "failed", "incomplete", "expired"] as const;
// Any text a request can carry, quotes, control characters and lone surrogates included.
const text = fc.string({ unit: "binary", maxLength: 12 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });

const transaction: fc.Arbitrary<StoredTransaction> = fc.record({
  uid: fc.uuid(),
  type: fc.constantFrom(...TYPES),
  status: fc.constantFrom(...STATUSES),
  amount: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  currency: text,
  description: fc.option(text),
  tracking_id: fc.option(text),
  message: text,
  test: fc.boolean(),
  language: text,
  created_at: ms.map(isoOf),
  updated_at: ms.map(isoOf),
  paid_at: fc.option(ms.map(isoOf)),
  rrn: ms.map(rrnOf),
  parent_uid: maybe(fc.uuid()),
  reason: maybe(text),
  card: maybe(
    fc.record({
      number: fc.stringMatching(/^[0-9]{12,19}$/),
      holder: fc.option(text),
      exp_month: fc.integer({ min: 1, max: 12 }),
      exp_year: fc.integer({ min: 2000, max: 2100 }),
      token: fc.stringMatching(/^[0-9a-f]{64}$/),
      stamp: fc.stringMatching(/^[0-9a-f]{64}$/),
    }),
  ),
  customer: maybe(fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }))),
  billing_address: maybe(fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }))),
  additional_data: maybe(fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }))),
  notification_url: maybe(text),
  captured: fc.nat(),
  refunded: fc.nat(),
  chargedBack: fc.nat(),
  voided: fc.boolean(),
});

describe("the transaction's wire form", () => {
  it("transactionJson writes exactly the bytes JSON.stringify(renderTransaction) writes, for any stored transaction", () => {
    fc.assert(
      fc.property(transaction, fc.constantFrom("http://127.0.0.1:4010", 'http://h/"q\\'), (tx, base) => {
        expect(transactionJson(tx, base)).toBe(JSON.stringify(renderTransaction(tx, base)));
      }),
      { numRuns: 500 },
    );
  });

  it("the cached ISO date and rrn are those of the millisecond asked for, in any order, near or far apart", () => {
    const far = fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 });
    fc.assert(
      fc.property(
        fc.oneof(ms, far),
        fc.array(fc.oneof(fc.integer({ min: -1_000, max: 130_000 }), far)),
        (base, steps) => {
          for (const step of steps) {
            const t = Math.abs(step) > 1e6 ? step : base + step;
            if (Math.abs(t) > 8_640_000_000_000_000) continue;
            expect(isoOf(t)).toBe(new Date(t).toISOString());
            expect(rrnOf(t)).toBe(String(100_000_000 + (t % 900_000_000)));
          }
        },
      ),
    );
  });
});

function smallLedger(maxTransactions: number) {
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  const events = { changed() {}, scheduleResolution() {} };
  return { clock, ledger: new Ledger(clock, () => "http://mock.invalid", events, maxTransactions) };
}

describe("bounded books", () => {
  it("a BoundedMap holds the newest `max` keys, evicting oldest first, and reports each eviction once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 30 })), (max, keys) => {
        const evicted: number[] = [];
        const map = new BoundedMap<number, number>(max, (k) => evicted.push(k));
        const model: number[] = []; // keys in first-insertion order
        for (const k of keys) {
          map.set(k, k * 2);
          if (!model.includes(k)) model.push(k);
          if (model.length > max) expect(evicted.at(-1)).toBe(model.shift());
        }
        expect(map.size).toBe(model.length);
        for (const k of model) expect(map.get(k)).toBe(k * 2);
      }),
    );
  });

  it("a full ledger forgets its oldest transactions (and their tracking ids) and keeps serving the newest", () => {
    const { ledger } = smallLedger(3);
    const pay = (tracking_id: string) =>
      ledger.cardTransaction("payment", {
        amount: 1,
        currency: "USD",
        tracking_id,
        duplicate_check: false,
        credit_card: card(),
      });
    const uids = ["a", "b", "c", "d", "e"].map((t) => pay(t).uid!);
    expect(ledger.size).toBe(3);
    expect(ledger.get(uids[0]!).status).toBe(404);
    expect(ledger.listByTrackingId("a").body).toEqual({ transactions: [] });
    expect(ledger.get(uids[4]!).body).toMatchObject({ transaction: { uid: uids[4], tracking_id: "e" } });
    expect(ledger.listByTrackingId("e").body).toMatchObject({ transactions: [{ uid: uids[4] }] });
  });

  it("the duplicate check still refuses a repeat inside its window when the ledger is full", () => {
    const { clock, ledger } = smallLedger(1);
    const req = { amount: 7, currency: "USD", credit_card: card() };
    expect(ledger.cardTransaction("payment", req).status).toBe(200);
    ledger.cardTransaction("payment", { ...req, amount: 8 }); // evicts the first
    expect(ledger.cardTransaction("payment", req).status).toBe(422);
    clock.advance(30_000);
    expect(ledger.cardTransaction("payment", req).status).toBe(200);
  });
});
