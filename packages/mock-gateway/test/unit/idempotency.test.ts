import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { IDEMPOTENCY_TTL_MS, IdempotencyStore } from "../../src/idempotency.js";
import type { Answer } from "../../src/types.js";

const raw = (s: string) => Buffer.from(s);
const internal = (): Answer => ({ status: 500, body: { message: "internal" } });

describe("IdempotencyStore", () => {
  it("an effect that books and then throws is recorded as its error: the retry gets the error, not a second booking", () => {
    const store = new IdempotencyStore(new ManualClock(0));
    const booked: string[] = [];
    const effect = () => {
      booked.push("charge");
      throw new Error("rendering failed after the booking");
    };
    const first = store.lookup("k", "createPayment", raw("{}"));
    expect(first.kind).toBe("new");
    if (first.kind !== "new") return;
    expect(store.perform("k", first.fingerprint, effect, internal)).toEqual(internal());
    const retry = store.lookup("k", "createPayment", raw("{}"));
    expect(retry).toEqual({ kind: "replay", answer: internal() });
    expect(booked).toEqual(["charge"]);
  });

  it("the same key with another body or another operation is a conflict; keys expire after 24 hours", () => {
    const clock = new ManualClock(0);
    const store = new IdempotencyStore(clock);
    const first = store.lookup("k", "createPayment", raw("a"));
    if (first.kind !== "new") throw new Error("expected a new key");
    store.perform("k", first.fingerprint, () => ({ status: 200, body: {}, uid: "u1" }), internal);
    expect(store.lookup("k", "createPayment", raw("b")).kind).toBe("conflict");
    expect(store.lookup("k", "createRefund", raw("a")).kind).toBe("conflict");
    expect(store.lookup("k", "createPayment", raw("a"))).toMatchObject({
      kind: "replay",
      answer: { uid: "u1" },
    });
    clock.advance(IDEMPOTENCY_TTL_MS);
    expect(store.lookup("k", "createPayment", raw("a")).kind).toBe("new");
  });
});
