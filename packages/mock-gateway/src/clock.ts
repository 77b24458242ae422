/** Time as the gateway sees it. Tests use a ManualClock to jump 24 hours instead of waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
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
      throw new RangeError(`advance needs a non-negative number of ms, got ${ms}`);
    this.current += ms;
    for (const listener of this.listeners) listener();
  }
  set(epochMs: number): void {
    if (!Number.isFinite(epochMs) || epochMs < this.current) throw new RangeError("time only moves forward");
    this.advance(epochMs - this.current);
  }
  /** @internal the gateway's scheduler subscribes here. */
  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
