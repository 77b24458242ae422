/**
 * Attacks on secrecy: a gateway that echoes the secret key, the Basic credentials and the card back in
 * every form it can, and fast-check generating secrets and card numbers. Every error message, stack,
 * `toJSON`, `String()` and `util.inspect` output is searched for them in every encoding.
 */
import { inspect } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, createRedactor, redact } from "../../src/index.js";
import { type Hostile, hostileServer } from "./hostile.js";

const SHOP = 361;
/** Visible ASCII (quotes and backslashes included); no spaces, which any inspect output is full of. */
const printable = (min: number, max: number) =>
  fc
    .array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: min, maxLength: max })
    .map((codes) => String.fromCharCode(...codes));

/** Every encoding of a secret a leak could take. */
function encodings(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(`${SHOP}:${secret}`).toString("base64"),
    Buffer.from(secret).toString("base64"),
  ].filter((form) => form.length >= 8);
}

/** Everything an error shows: message, stack, JSON, string and inspect forms. */
function surfaces(e: unknown): string {
  if (!(e instanceof Error)) return `${JSON.stringify(e)}\n${inspect(e, { depth: 10 })}`;
  return [e.message, e.stack, JSON.stringify(e), String(e), inspect(e, { depth: 10 })].join("\n");
}

let echo: { secret: string; card: string };
let gateway: Hostile;
beforeAll(async () => {
  // A gateway that echoes the request, its credentials and the secret in every form, with every status.
  gateway = await hostileServer((req, res, _server, body) => {
    const status = Number(new URL(req.url ?? "/", "http://x").searchParams.get("s") ?? 422);
    const { secret, card } = echo;
    const auth = req.headers.authorization ?? "";
    const text = [
      `raw=${secret}`,
      `json=${JSON.stringify(secret)}`,
      `url=${encodeURIComponent(secret)}`,
      `auth=${auth}`,
      `lower=${auth.toLowerCase().slice(0, 6)}${auth.slice(6)}`,
      `b64=${auth.slice(6)}`,
      `card ${card} body=${body}`,
    ].join(" ");
    if (status === 200) {
      res.writeHead(200, { "content-type": "text/html" });
      return res.end(`<pre>${text}</pre>`);
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: text, errors: { base: [text, secret, card] }, secret_key: secret }));
  });
});
afterAll(() => gateway.close());

const cards = fc
  .tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 }),
    fc.constantFrom(" ", "-", ".", "_", "/", ""),
  )
  .map(([first, rest, sep]) => {
    const digits = [first, ...rest].join("");
    return { digits, formatted: digits.replace(/(.{4})(?=.)/g, `$1${sep}`) };
  });

/** A payment whose description echoes the secret and whose card is the generated one. */
const echoRequest = (secret: string, card: { digits: string }) => ({
  amount: 1,
  currency: "USD",
  description: `echo ${secret}`,
  credit_card: { number: card.digits, verification_value: "987", exp_month: "05", exp_year: "2030" },
});

/** The errors of one request answered with status `s`, through the raw client and a named method. */
async function errorsAt(
  client: ReturnType<typeof createClient>,
  request: ReturnType<typeof echoRequest>,
  s: number,
) {
  const error = await client.raw
    .POST("/transactions/payments", { body: { request }, params: { query: { s } as never } })
    .then(
      (r) => r.error,
      (e: unknown) => e,
    );
  const viaNamed = await client.payments
    .create(request, { headers: { "x-s": String(s) } })
    .catch((e: unknown) => e);
  return [error, viaNamed];
}

describe("no secret or card leaks from an echoing gateway", () => {
  it("any secret (8-32 visible chars) and any card, 5 statuses: never in any error surface, in any encoding", {
    timeout: 120_000,
  }, async () => {
    let checked = 0;
    const neverLeaks = async (secret: string, card: { digits: string; formatted: string }) => {
      echo = { secret, card: card.formatted };
      const client = createClient({ shopId: SHOP, secretKey: secret, baseUrl: gateway.url, retry: false });
      for (const s of [200, 401, 404, 422, 500]) {
        for (const e of await errorsAt(client, echoRequest(secret, card), s)) {
          const text = surfaces(e);
          for (const form of encodings(secret)) expect(text).not.toContain(form);
          expect(text).not.toContain(card.formatted);
          expect(text).not.toContain(card.digits);
          checked++;
        }
      }
    };
    await fc.assert(fc.asyncProperty(printable(8, 32), cards, neverLeaks), { numRuns: 25 });
    console.log(`${checked} errors searched, 0 leaks`);
  });
});

describe("the redactor by value", () => {
  it("removes a secret of any length (1-40), in raw, JSON-escaped, URL-encoded and Base64 forms", () => {
    fc.assert(
      fc.property(
        printable(1, 40).filter((s) => !/[*]/.test(s) && s.trim() !== ""),
        printable(0, 20),
        (secret, noise) => {
          const r = createRedactor([secret]);
          const text = [
            noise,
            secret,
            JSON.stringify({ k: secret }),
            JSON.stringify(JSON.stringify({ k: secret })),
            encodeURIComponent(secret),
            `Basic ${Buffer.from(`${SHOP}:${secret}`).toString("base64")}`,
            noise,
          ].join(" | ");
          const out = r(text);
          // What is left between the placeholders never holds the secret (the placeholder's own letters aside).
          for (const part of out.split("[REDACTED]"))
            expect(part.includes(secret) && !noise.includes(secret)).toBe(false);
          if (secret.length >= 8)
            expect(out).not.toContain(Buffer.from(`${SHOP}:${secret}`).toString("base64"));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("masks card numbers written with any common separator (space - . _ /), keeping the last four", () => {
    fc.assert(
      fc.property(cards, (card) => {
        const out = redact(`pay with ${card.formatted} now`);
        expect(out).not.toContain(card.formatted);
        expect(out.replace(/[^0-9]/g, "")).toBe(card.digits.slice(-4));
      }),
      { numRuns: 300 },
    );
  });

  it("redacts Basic credentials whatever the letter case of the scheme", () => {
    for (const scheme of ["Basic", "basic", "BASIC", "bAsIc"])
      expect(redact(`authorization: ${scheme} MzYxOnNlY3JldA==`)).toBe(`authorization: ${scheme} [REDACTED]`);
  });

  it("writes objects out as redacted JSON, never [object Object]", () => {
    const cyclic: Record<string, unknown> = { card: { number: "4200 0000 0000 0000", cvv: "123" } };
    cyclic.self = cyclic;
    const out = redact(cyclic);
    expect(out).not.toContain("[object Object]");
    expect(out).toContain("****0000");
    expect(out).not.toContain("123");
    expect(redact({ n: 10n })).toBe('{"n":"10"}');
    expect(redact(new Error("card 4200000000000000"))).toBe("Error: card ****0000");
  });

  it("redacts values whose secret looks like JSON syntax without breaking them apart", () => {
    const r = createRedactor(['","']);
    expect(r.value({ a: 'x","y', b: ["z"] })).toEqual({ a: "x[REDACTED]y", b: ["z"] });
  });
});
