import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { Scheduler } from "../../src/state/scheduler.js";

describe("Scheduler", () => {
  it("runs what is due in time order, ties in insertion order", () => {
    const clock = new ManualClock(0);
    const s = new Scheduler(clock, false);
    const ran: string[] = [];
    s.at(30, () => ran.push("c"));
    s.at(10, () => ran.push("a"));
    s.at(10, () => ran.push("b"));
    s.at(50, () => ran.push("late"));
    clock.advance(30);
    s.runDue();
    expect(ran).toEqual(["a", "b", "c"]);
    expect(s.size).toBe(1);
  });

  it("a callback that throws is reported and never thrown out of the timer; later entries still run", () => {
    const clock = new ManualClock(0);
    const errors: unknown[] = [];
    const s = new Scheduler(clock, false, (e) => errors.push(e));
    const ran: number[] = [];
    s.at(1, () => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    s.at(2, () => ran.push(2));
    clock.advance(5);
    expect(() => s.runDue()).not.toThrow();
    expect(ran).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
