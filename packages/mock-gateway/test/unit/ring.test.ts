import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { Ledger } from "../../src/state/ledger.js";
import { renderTransaction } from "../../src/state/render.js";
import { TransactionRing } from "../../src/state/ring.js";
import { uuid } from "../../src/state/uuid.js";
import { card } from "../helpers.js";

describe("the transaction ring", () => {
  it("keeps the newest `max` transactions, finds each by uid, and reports each eviction once, oldest first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 40 }), (max, adds) => {
        const evicted: string[] = [];
        const ring = new TransactionRing<{ uid: string }>(max, (tx) => evicted.push(tx.uid));
        const all: string[] = [];
        for (let i = 0; i < adds; i++) {
          const uid = ring.nextUid();
          ring.add({ uid });
          all.push(uid);
        }
        const kept = all.slice(-max);
        expect(ring.size).toBe(kept.length);
        expect(evicted).toEqual(all.slice(0, all.length - kept.length));
        for (const uid of kept) expect(ring.get(uid)?.uid).toBe(uid);
        for (const uid of evicted) expect(ring.get(uid)).toBeUndefined();
        expect(new Set(all).size).toBe(all.length);
      }),
    );
  });

  it("answers any string it is asked about (a path parameter, a parent_uid) with nothing, never a throw", () => {
    const ring = new TransactionRing<{ uid: string }>(4);
    for (let i = 0; i < 6; i++) ring.add({ uid: ring.nextUid() });
    const anyUid = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.uuid(),
      // Our own shape with a forged slot: the slot exists, the uid does not.
      fc
        .tuple(fc.uuid(), fc.integer({ min: -5, max: 2 ** 32 + 5 }))
        .map(([u, slot]) => u.slice(0, 28) + slot.toString(16).padStart(8, "0").slice(-8)),
    );
    fc.assert(
      fc.property(anyUid, (uid) => {
        expect(ring.get(uid)).toBeUndefined();
      }),
    );
  });

  it("uids are UUID-shaped and a misplaced uid is a bug that throws instead of corrupting the ring", () => {
    const ring = new TransactionRing<{ uid: string }>(3);
    const uid = ring.nextUid();
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{4}00000000$/);
    expect(() => ring.add({ uid: `${uid.slice(0, 28)}00000001` })).toThrow(/mock gateway bug/);
    expect(() => new TransactionRing(0)).toThrow(RangeError);
  });
});

describe("a card's JSON, written once per card", () => {
  it("every answer equals JSON.stringify of the rendered transaction, whatever the holder's name", () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27));
    const ledger = new Ledger(clock, () => "http://mock.invalid", { changed() {}, scheduleResolution() {} });
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "binary", maxLength: 12 })), (holder) => {
        for (let twice = 0; twice < 2; twice++) {
          const answer = ledger.cardTransaction("payment", {
            amount: 5,
            currency: "USD",
            duplicate_check: false,
            credit_card: { ...card(), holder },
          });
          expect(answer.status).toBe(200);
          const tx = JSON.parse(answer.json!).transaction;
          expect(tx.credit_card.holder).toBe(holder);
          expect(answer.json).toBe(
            JSON.stringify({
              transaction: renderTransaction(storedOf(ledger, tx.uid), "http://mock.invalid"),
            }),
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** The stored record behind a uid (the ledger's private ring, read for the comparison). */
function storedOf(ledger: Ledger, uid: string) {
  return (ledger as unknown as { transactions: TransactionRing<never> }).transactions.get(uid)!;
}

describe("flat uuids", () => {
  it("are version-4 UUIDs with the RFC variant, all distinct, and a tail puts that number in the last 8 digits", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (tail) => {
        expect(uuid(tail).slice(28)).toBe(tail.toString(16).padStart(8, "0"));
      }),
    );
  });

  it("every hex digit of the random part takes all 16 values (no stuck bits)", () => {
    const values = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) {
      const id = uuid();
      for (let at = 0; at < id.length; at++) values[at]!.add(id[at]!);
    }
    const sizes = values.map((v) => v.size);
    for (const at of [0, 7, 9, 12, 15, 17, 20, 22, 24, 35]) expect(sizes[at]).toBe(16);
    expect(sizes[14]).toBe(1); // the version
    expect(sizes[19]).toBe(4); // the variant
  });
});
