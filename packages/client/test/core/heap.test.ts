import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "../../src/internal.js";

describe("MinHeap", () => {
  it("pops in the order of a stable sort, for any pushes and pops interleaved", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { maxLength: 200 }),
        (ops) => {
          let seq = 0;
          const heap = new MinHeap<{ at: number; seq: number }>(
            (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
          );
          const model: Array<{ at: number; seq: number }> = [];
          for (const op of ops) {
            if (op === undefined) {
              model.sort((a, b) => a.at - b.at || a.seq - b.seq);
              expect(heap.pop()).toEqual(model.shift());
            } else {
              const e = { at: op, seq: seq++ };
              heap.push(e);
              model.push(e);
            }
            expect(heap.size).toBe(model.length);
          }
        },
      ),
    );
  });
});
