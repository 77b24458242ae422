/**
 * Runs callbacks when the gateway's clock reaches their time: async tasks finishing, 3-D Secure
 * resolving. A binary heap, so 10 000 pending tasks cost O(log n) each; with the system clock one
 * unref'd timer waits for the earliest entry, with a manual clock `advance()` drives it.
 */
import type { Clock } from "../clock.js";

interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly useTimers: boolean,
    /** A callback that threw: reported here, never thrown out of a timer (that would kill the process). */
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  get size(): number {
    return this.heap.length;
  }

  at(when: number, run: () => void): void {
    this.push({ at: when, seq: this.seq++, run });
    this.arm();
  }

  /** Runs everything due now, in time order. */
  runDue(): void {
    const now = this.clock.now();
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const entry = this.pop()!;
      try {
        entry.run();
      } catch (e) {
        this.onError(e);
      }
    }
    this.arm();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.heap.length = 0;
  }

  private arm(): void {
    if (!this.useTimers || this.closed) return;
    const next = this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
    if (next >= this.timerAt && this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.runDue();
      },
      Math.min(Math.max(0, next - this.clock.now()), 2_147_483_647),
    );
    this.timer.unref();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
