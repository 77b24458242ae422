import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_FIELD_ERRORS,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  parseJsonBody,
  scanJson,
  validationError,
} from "../../src/validation.js";

const depthOf = (v: unknown): number =>
  v !== null && typeof v === "object"
    ? 1 + Math.max(0, ...(Array.isArray(v) ? v : Object.values(v)).map(depthOf))
    : 0;

const countLeaves = (errors: unknown): number =>
  Array.isArray(errors)
    ? errors.length
    : errors && typeof errors === "object"
      ? Object.values(errors).reduce((n: number, e) => n + countLeaves(e), 0)
      : 1;

describe("scanJson / parseJsonBody", () => {
  it("measures the true nesting depth of any JSON text, strings with brackets and escapes included", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v);
        expect(scanJson(Buffer.from(text)).depth).toBe(depthOf(JSON.parse(text)));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it("refuses any body nested deeper than the cap with a 422 naming the depth, without parsing it", () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_JSON_DEPTH + 1, max: 200_000 }), fc.boolean(), (levels, arrays) => {
        const text = arrays
          ? `${"[".repeat(levels)}${"]".repeat(levels)}`
          : `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
        const r = parseJsonBody(Buffer.from(text));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.body.message).toBe(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it("refuses integers outside the safe range (never echoes a rounded amount), keeps every safe one exact", () => {
    const big = fc.oneof(
      fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 10n ** 30n }),
      fc.bigInt({ min: -(10n ** 30n), max: BigInt(Number.MIN_SAFE_INTEGER) - 1n }),
    );
    fc.assert(
      fc.property(big, (n) => {
        const r = parseJsonBody(Buffer.from(`{"request":{"amount":${n},"currency":"USD"}}`));
        expect(r.ok).toBe(false);
        if (!r.ok)
          expect(r.body.errors).toEqual({ amount: [expect.stringMatching(/^must be an integer from/)] });
      }),
      { numRuns: 200, seed: 7 },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const r = parseJsonBody(Buffer.from(`{"request":{"amount":${n}}}`));
        expect(r).toEqual({ ok: true, value: { request: { amount: n } } });
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(parseJsonBody(Buffer.from('{"amount":9007199254740993}')).ok).toBe(false);
    expect(parseJsonBody(Buffer.from('{"amount":1e300}')).ok).toBe(false);
    expect(parseJsonBody(Buffer.from('{"ok":true,"no":false,"rate":1.5e-3}')).ok).toBe(true);
  });

  it(`refuses more than ${MAX_JSON_VALUES} values before schema validation`, () => {
    const r = parseJsonBody(Buffer.from(JSON.stringify(Array(MAX_JSON_VALUES + 1).fill(0))));
    expect(r.ok).toBe(false);
    expect(parseJsonBody(Buffer.from(JSON.stringify(Array(MAX_JSON_VALUES - 10).fill(0)))).ok).toBe(true);
  });

  it("never throws on any bytes: a value or a 422 body", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
        ),
        (s) => {
          const r = parseJsonBody(Buffer.from(s, "latin1"));
          if (!r.ok) expect(typeof r.body.message).toBe("string");
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe("validationError", () => {
  it(`lists at most ${MAX_FIELD_ERRORS} field errors and counts the rest, for any number of issues`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (n) => {
        const issues = Array.from({ length: n }, (_, i) => ({
          instancePath: `/request/additional_data/receipt_text/${i}`,
          schemaPath: "#/type",
          message: "must be string",
        }));
        const out = validationError(issues);
        const leaves = countLeaves(out.errors);
        expect(leaves).toBe(Math.min(n, MAX_FIELD_ERRORS) + (n > MAX_FIELD_ERRORS ? 1 : 0));
        if (n > MAX_FIELD_ERRORS)
          expect(out.message).toContain(`and ${n - MAX_FIELD_ERRORS} more errors not listed`);
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});
