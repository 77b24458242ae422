/**
 * Random version-4 UUIDs, each made as ONE flat string. `crypto.randomUUID()` returns a rope of some
 * twenty concatenated pieces; a kept uid (every transaction's, every async task's) keeps the whole rope
 * alive, and copying it through the young generation cost ~4 µs per kept uid in a tight loop, against
 * ~0.2 µs for a flat string (see PERFORMANCE.md). The bytes come from the same CSPRNG, read in blocks.
 */
import { randomFillSync } from "node:crypto";

const HEX = Buffer.from("0123456789abcdef", "latin1");
/** Where the 32 hex digits go in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
const DIGITS = [
  0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32,
  33, 34, 35,
];
const TEXT = Buffer.alloc(36, "-");
const BLOCK = 4096;
const random = Buffer.allocUnsafe(BLOCK);
let used = BLOCK;

/**
 * A random UUID (version 4, RFC 9562 variant). With `tail`, its last 8 hex digits are `tail` instead of
 * random ones (the ledger's ring slot), leaving 90 random bits.
 */
export function uuid(tail?: number): string {
  if (used + 16 > BLOCK) {
    randomFillSync(random);
    used = 0;
  }
  for (let d = 0; d < 32; d += 2) {
    const byte = random[used++]!;
    TEXT[DIGITS[d]!] = HEX[byte >> 4]!;
    TEXT[DIGITS[d + 1]!] = HEX[byte & 15]!;
  }
  TEXT[14] = 0x34; // "4": the version
  TEXT[19] = HEX[8 | (random[used - 1]! >> 6)]!; // 8, 9, a or b: the variant (bits not used by digit 35)
  if (tail !== undefined) for (let i = 35, t = tail; i >= 28; i--, t >>>= 4) TEXT[i] = HEX[t & 15]!;
  return TEXT.toString("latin1", 0, 36);
}
