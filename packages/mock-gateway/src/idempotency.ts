/**
 * `RequestID` keys: the first answer to a key is recorded in the same synchronous step as the effect
 * it reports (a booked transaction, a created task, a refusal, an internal error), before anything
 * that can fail runs (rendering, webhooks). A retry with the key gets that answer, with the
 * transaction's current status, and never a second effect; the same key with another body is refused.
 */
import { createHash } from "node:crypto";
import type { Clock } from "./clock.js";
import type { Answer } from "./types.js";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Beyond this many live keys, expired ones are swept (memory stays bounded under load). */
const SWEEP_AT = 200_000;

interface Entry {
  fingerprint: string;
  expiresAt: number;
  answer: Answer;
}

export type Lookup =
  | { kind: "new"; fingerprint: string }
  | { kind: "replay"; answer: Answer }
  | { kind: "conflict" };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  lookup(key: string, operationId: string, raw: Uint8Array): Lookup {
    const fingerprint = createHash("sha256").update(operationId).update("\0").update(raw).digest("hex");
    const seen = this.entries.get(key);
    if (!seen || seen.expiresAt <= this.clock.now()) return { kind: "new", fingerprint };
    return seen.fingerprint === fingerprint ? { kind: "replay", answer: seen.answer } : { kind: "conflict" };
  }

  /**
   * Runs the effect and records its answer under the key in one synchronous step. An exception from
   * the effect is recorded as the gateway's internal error: the retry gets that error again rather
   * than a second attempt at an effect that may have happened.
   */
  perform(key: string, fingerprint: string, effect: () => Answer, onError: (e: unknown) => Answer): Answer {
    let answer: Answer;
    try {
      answer = effect();
    } catch (e) {
      answer = onError(e);
    }
    const now = this.clock.now();
    if (this.entries.size > SWEEP_AT)
      for (const [k, v] of this.entries) if (v.expiresAt <= now) this.entries.delete(k);
    this.entries.set(key, { fingerprint, expiresAt: now + IDEMPOTENCY_TTL_MS, answer });
    return answer;
  }

  clear(): void {
    this.entries.clear();
  }
}

export const KEY_CONFLICT: Answer = {
  status: 422,
  body: {
    message: "RequestID was already used for a different request",
    errors: { RequestID: ["was already used for a different request"] },
  },
};
