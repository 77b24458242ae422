/**
 * The mock under attack: hostile framing, sizes, depths and types. Each attack is named after the
 * property it guards; the counts (requests tried, held) are in the names and in the output.
 */
import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contract, type Harness, harness, payment } from "./helpers.js";
import { rawExchange, requestHead } from "./raw-socket.js";

const CAP = 1_000_000; // MAX_BODY_BYTES, literal so this file also runs against older code
const DEPTH_CAP = 32; // MAX_JSON_DEPTH

let h: Harness;
let auth: string;
beforeAll(async () => {
  h = await harness({ requestTimeoutMs: 400 });
  auth = `Basic ${Buffer.from(`${h.gw.shopId}:${h.gw.secretKey}`).toString("base64")}`;
});
afterAll(() => h.gw.close());

const head = (headers: Record<string, string>, path = "/transactions/payments", method = "POST") =>
  requestHead(method, path, auth, { "content-type": "application/json", ...headers });

/** Sends a raw request; it must get `status` and a closed socket. Returns the exchange for more checks. */
async function expectClosedWith(status: number, headers: Record<string, string>, body: Iterable<string>) {
  const r = await rawExchange(h.gw.port, head(headers), body, 15_000);
  expect(r.status).toBe(status);
  expect(r.closed).toBe(true);
  return r;
}

function* chunked(chunkBytes: number, maxBytes: number): Generator<string> {
  const chunk = `${chunkBytes.toString(16)}\r\n${"a".repeat(chunkBytes)}\r\n`;
  for (let sent = 0; sent < maxBytes; sent += chunkBytes) yield chunk;
}

const report = (name: string, tried: number, held: number) =>
  console.log(`attack ${name}: ${tried} requests tried, ${held} held`);

describe("sizes: nothing over the cap is read", { timeout: 60_000 }, () => {
  it("a Content-Length over the cap gets 413 before a byte of the body is sent, and the socket closes", async () => {
    await expectClosedWith(413, { "content-length": String(50 * CAP) }, []);
  });

  it("a chunked body that never ends is cut at the cap with 413 and the socket closes (the writer is stopped within 20× the cap)", async () => {
    const r = await expectClosedWith(413, { "transfer-encoding": "chunked" }, chunked(64 * 1024, 100 * CAP));
    // TCP buffers on both sides hold some of what was written before the server stopped reading.
    expect(r.written).toBeLessThan(20 * CAP);
  });

  it("the admin endpoints apply the same cap: 413, and a refused body never clears the faults", async () => {
    h.gw.faults.set([{ kind: "latency", latencyMs: 0, routes: ["getBalance"] }]);
    const big = JSON.stringify({ faults: [], pad: "x".repeat(CAP) });
    const res = await h.call("PUT", "/__mock/faults", big);
    expect(res.status).toBe(413);
    expect(h.gw.faults.active).toHaveLength(1);
    expect((await h.call("PUT", "/__mock/faults", "{not json")).status).toBe(400);
    expect((await h.call("PUT", "/__mock/faults", {})).status).toBe(400);
    expect(h.gw.faults.active).toHaveLength(1);
    h.gw.faults.set([]);
  });
});

describe("framing: malformed requests get 400 and a closed socket, slow ones 408", {
  timeout: 60_000,
}, () => {
  it("Content-Length together with Transfer-Encoding → 400, closed", async () => {
    await expectClosedWith(400, { "content-length": "5", "transfer-encoding": "chunked" }, [
      "5\r\nhello\r\n0\r\n\r\n",
    ]);
  });

  it("a bad chunk size → 400, closed", async () => {
    await expectClosedWith(400, { "transfer-encoding": "chunked" }, ["zz\r\nhello\r\n0\r\n\r\n"]);
  });

  it("a body shorter than its Content-Length → 408 once the request timeout passes, closed", async () => {
    await expectClosedWith(408, { "content-length": "100" }, ['{"request":']);
  });

  it("random framing (lengths, encodings, chunk sizes, truncation): every request is answered or closed, none held", {
    timeout: 120_000,
  }, async () => {
    let tried = 0;
    let held = 0;
    const framing = fc.record({
      body: fc.constantFrom(JSON.stringify({ request: payment() }), "{}", "", "{not json"),
      lengthDelta: fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 5 }), fc.constant(Number.NaN)),
      chunked: fc.boolean(),
      withLength: fc.boolean(),
      badChunk: fc.boolean(),
      truncateAt: fc.option(fc.nat({ max: 40 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(framing, async (f) => {
        tried++;
        const headers: Record<string, string> = {};
        if (f.withLength || !f.chunked)
          headers["content-length"] = Number.isNaN(f.lengthDelta)
            ? "12abc"
            : String(Math.max(0, Buffer.byteLength(f.body) + f.lengthDelta));
        if (f.chunked) headers["transfer-encoding"] = "chunked";
        let wire = f.chunked
          ? `${f.badChunk ? "xyz" : Buffer.byteLength(f.body).toString(16)}\r\n${f.body}\r\n0\r\n\r\n`
          : f.body;
        if (f.truncateAt !== undefined) wire = wire.slice(0, f.truncateAt);
        const r = await rawExchange(h.gw.port, head({ ...headers, connection: "close" }), [wire], 15_000);
        if (r.status === undefined && !r.closed) held++;
        expect(r.status === undefined ? r.closed : r.status < 500).toBe(true);
      }),
      { numRuns: 60, seed: 11 },
    );
    report("random framing", tried, held);
    expect(held).toBe(0);
  });
});

describe("depth, numbers, types, content types", () => {
  it("any nesting depth: over the cap → 422 naming the depth, within it → never a 5xx", {
    timeout: 60_000,
  }, async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50_000 }), async (levels) => {
        tried++;
        const body = JSON.stringify({
          request: payment("successful", { additional_data: { meta: "__D__" } }),
        }).replace('"__D__"', `${"[".repeat(levels)}${"]".repeat(levels)}`);
        const res = await h.call("POST", "/transactions/payments", body);
        // envelope, request, additional_data and meta are 4 levels; the arrays add `levels`.
        if (levels + 4 > DEPTH_CAP) {
          expect(res.status).toBe(422);
          expect(res.body.message).toBe(`Request body nests deeper than ${DEPTH_CAP} levels`);
        } else expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40, seed: 3 },
    );
    report("depth", tried, 0);
  });

  it("an amount beyond 2^53 is refused with 422, never booked rounded (9007199254740993 is not …992)", async () => {
    const text = JSON.stringify({ request: payment() }).replace(/"amount":\d+/, '"amount":9007199254740993');
    const res = await h.call("POST", "/transactions/payments", text);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors)).toEqual(["amount"]);
  });

  it("field errors are capped: 5,000 invalid items get 100 listed and a count of the rest", async () => {
    const res = await h.call("POST", "/transactions/payments", {
      request: payment("successful", { additional_data: { receipt_text: Array(5_000).fill(1) } }),
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors.additional_data.receipt_text)).toHaveLength(100);
    expect(res.body.errors.base).toEqual(["and 4900 more errors not listed"]);
  });

  it("any JSON value in any field of a payment: a 200 or a 422 the contract allows, never a 5xx", {
    timeout: 60_000,
  }, async () => {
    let tried = 0;
    const fields = [
      "amount",
      "currency",
      "description",
      "tracking_id",
      "test",
      "credit_card",
      "additional_data",
      "customer",
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 4 }), async (field, value) => {
        tried++;
        const res = await h.call("POST", "/transactions/payments", {
          request: { ...payment(), [field]: value },
        });
        expect([200, 422]).toContain(res.status);
        expect(contract.validateResponseBody("createPayment", res.status, res.body)).toEqual([]);
      }),
      { numRuns: 150, seed: 5 },
    );
    report("field types", tried, 0);
  });

  it("a body with a non-JSON Content-Type is refused with 415 and nothing is booked", async () => {
    const pay = (type: string) =>
      h.call("POST", "/transactions/payments", { request: payment() }, { "content-type": type });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
    ]) {
      const res = await pay(type);
      expect(res.status, type).toBe(415);
      expect(contract.validateSchema("ErrorResponse", res.body)).toEqual([]);
    }
    for (const type of ["application/json", "application/json; charset=utf-8", "application/vnd.api+json"])
      expect((await pay(type)).status, type).toBe(200);
  });
});
