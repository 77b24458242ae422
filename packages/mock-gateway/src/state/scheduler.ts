/**
 * Runs callbacks when the gateway's clock reaches their time: async tasks finishing, 3-D Secure
 * resolving. A binary heap (the project's one MinHeap), so 10 000 pending tasks cost O(log n) each;
 * with the system clock one unref'd timer waits for the earliest entry, with a manual clock
 * `advance()` drives it.
 */
import { MinHeap } from "@paycross/client/internal";
import type { Clock } from "../clock.js";

interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private readonly heap = new MinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
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
    return this.heap.size;
  }

  at(when: number, run: () => void): void {
    this.heap.push({ at: when, seq: this.seq++, run });
    this.arm();
  }

  /** Runs everything due now, in time order. */
  runDue(): void {
    const now = this.clock.now();
    while ((this.heap.peek()?.at ?? Number.POSITIVE_INFINITY) <= now) {
      const entry = this.heap.pop()!;
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
    this.heap.clear();
  }

  private arm(): void {
    if (!this.useTimers || this.closed) return;
    const next = this.heap.peek()?.at ?? Number.POSITIVE_INFINITY;
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
}
