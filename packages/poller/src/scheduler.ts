import { payCrossError } from "@paycross/client";
import { MinHeap } from "@paycross/client/internal";

/**
 * One scheduler for every pending task: a min-heap of wake-up times, ONE timer for the earliest, and a
 * FIFO of due tasks drained under a concurrency limit. The timer keeps the process alive only while
 * someone awaits a result.
 */
interface Entry {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export type Cancel = () => void;

export class Scheduler {
  // Earliest wake-up first; equal times in submission order (FIFO).
  private readonly heap = new MinHeap<Entry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly ready: Array<() => Promise<void>> = [];
  private inflight = 0;
  private keepAlive = false;
  private closed = false;

  constructor(private readonly concurrency: number) {
    if (!(Number.isInteger(concurrency) && concurrency > 0))
      throw payCrossError("config", `concurrency must be a positive integer, got ${concurrency}`);
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Runs `fn` at `at` (epoch ms). */
  at(at: number, fn: () => void): Cancel {
    const entry: Entry = { at, seq: this.seq++, run: fn, cancelled: false };
    this.heap.push(entry);
    this.arm();
    return () => {
      entry.cancelled = true;
    };
  }

  /** Queues an HTTP step; at most `concurrency` run at once, in the order they became due. */
  slot(step: () => Promise<void>): void {
    this.ready.push(step);
    this.drain();
  }

  /** Whether pending timers hold the process open (true while a caller awaits a result). */
  setKeepAlive(on: boolean): void {
    this.keepAlive = on;
    if (this.timer) on ? this.timer.ref() : this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.clear();
    this.ready.length = 0;
  }

  private drain(): void {
    while (this.inflight < this.concurrency && this.ready.length > 0 && !this.closed) {
      const step = this.ready.shift()!;
      this.inflight++;
      step().finally(() => {
        this.inflight--;
        this.drain();
      });
    }
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      const e = this.heap.pop()!;
      if (!e.cancelled) e.run();
    }
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    while (this.heap.peek()?.cancelled) this.heap.pop();
    const next = this.heap.peek()?.at ?? Number.POSITIVE_INFINITY;
    if (this.timer && next >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(0, next - Date.now()), 2_147_483_647));
    if (!this.keepAlive) this.timer.unref();
  }
}
