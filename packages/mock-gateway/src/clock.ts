import { payCrossError } from "@paycross/client";

/** Time as the gateway sees it. Tests use a ManualClock to jump 24 hours instead of waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  /** Whether time also passes on its own; if it does, the gateway runs real timers as well. */
  readonly passesOnItsOwn: boolean = false;
  private current: number;
  private readonly listeners = new Set<() => void>();
  constructor(start: number = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  /** Moves time forward; everything due by then (async tasks, 3-D Secure resolutions) happens at once. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw payCrossError("usage", `advance needs a non-negative number of ms, got ${ms}`);
    this.current += ms;
    this.notify();
  }
  set(epochMs: number): void {
    if (!Number.isFinite(epochMs) || epochMs < this.current)
      throw payCrossError("usage", "time only moves forward");
    this.advance(epochMs - this.current);
  }
  protected notify(): void {
    for (const listener of this.listeners) listener();
  }
  /** @internal the gateway's scheduler subscribes here. */
  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Real time plus a skew that only grows: async tasks finish on their own, and `advance()` can still jump
 * 24 hours. The embedded gateway of the conformance run uses it, so its retention checks need no waiting.
 */
export class SkewClock extends ManualClock {
  override readonly passesOnItsOwn = true;
  private skew = 0;
  constructor() {
    super(0);
  }
  override now(): number {
    return Date.now() + this.skew;
  }
  override advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw payCrossError("usage", `advance needs a non-negative number of ms, got ${ms}`);
    this.skew += ms;
    this.notify();
  }
  override set(epochMs: number): void {
    this.advance(Math.max(0, epochMs - this.now()));
  }
}
