/**
 * Reports never carry the secret key (raw, JSON-escaped, URL-encoded, in Base64 Basic credentials of
 * any letter case) nor a card number that is not one of the profile's public test cards: checked on
 * generated secrets and cards (fast-check), and through every reporter on exchanges recorded from a
 * gateway that echoes everything it receives.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Exchanger } from "../src/http.js";
import {
  createReportRedactor,
  har,
  html,
  json,
  junit,
  MOCK_PROFILE,
  pretty,
  type RunReport,
} from "../src/index.js";
import type { CheckResult } from "../src/types.js";

const luhn = (body: string) => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
};
const TEST_CARDS = Object.values(MOCK_PROFILE.cards) as string[];
const card = fc
  .string({ unit: fc.constantFrom(..."0123456789"), minLength: 15, maxLength: 15 })
  .map((b) => luhn(`5${b.slice(1)}`))
  .filter((c) => !TEST_CARDS.includes(c));
const secret = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 8,
  maxLength: 40,
});
const grouped = (c: string, sep: string) => c.match(/.{1,4}/g)!.join(sep);

function leaks(text: string, key: string, shopId: string, pan: string): string[] {
  const b64 = Buffer.from(`${shopId}:${key}`).toString("base64");
  const found: string[] = [];
  for (const [name, form] of [
    ["raw secret", key],
    ["JSON-escaped secret", JSON.stringify(key).slice(1, -1)],
    ["URL-encoded secret", encodeURIComponent(key)],
    ["Base64 Basic", b64],
    ["Base64 Basic without padding", b64.replace(/=+$/, "")],
    ["card", pan],
    ...[" ", "-", ".", "_", "/"].map((s) => [`card with '${s}'`, grouped(pan, s)] as const),
  ] as const)
    if (text.includes(form)) found.push(name);
  return found;
}

describe("report redaction", () => {
  it("masks the secret in every encoding and any non-test card, keeps the test cards", () => {
    fc.assert(
      fc.property(
        secret,
        fc.stringMatching(/^[0-9]{1,6}$/),
        card,
        fc.constantFrom(" ", "-", ".", "_", "/", ""),
        (key, shopId, pan, sep) => {
          const redact = createReportRedactor({
            secrets: [key],
            shopId,
            testCards: TEST_CARDS,
            testCvv: "123",
          });
          const b64 = Buffer.from(`${shopId}:${key}`).toString("base64");
          const text = [
            JSON.stringify({
              request: { secret_key: key, credit_card: { number: pan, verification_value: "987" } },
            }),
            `Authorization: Basic ${b64}`,
            `authorization: basic ${b64}`,
            `AUTHORIZATION: BASIC ${b64}`,
            `https://x.example/?key=${encodeURIComponent(key)}`,
            `card ${grouped(pan, sep)} declined; test card ${MOCK_PROFILE.cards.successful}`,
            JSON.stringify({ message: `echo ${JSON.stringify({ key })}` }),
          ].join("\n");
          const out = redact(text);
          expect(leaks(out, key, shopId, pan)).toEqual([]);
          expect(out).toContain(MOCK_PROFILE.cards.successful);
          expect(out).not.toContain('"verification_value":"987"');
        },
      ),
      { numRuns: 500 },
    );
  });

  it("masks the forms the client's secretForms knows: JSON-escaped three times, Base64 after any prefix", () => {
    fc.assert(
      fc.property(secret, fc.string({ maxLength: 5 }), (key, prefix) => {
        const redact = createReportRedactor({ secrets: [key], shopId: "361" });
        const thrice = JSON.stringify(JSON.stringify(JSON.stringify({ key })));
        const b64 = Buffer.from(`${prefix}${key}`).toString("base64");
        const out = redact(`${thrice}\nx-forwarded-credentials: ${b64}`);
        expect(out).not.toContain(
          JSON.stringify(JSON.stringify(JSON.stringify(key).slice(1, -1)).slice(1, -1)),
        );
        // The Base64 characters that only the secret decides are gone, whatever the prefix's alignment.
        const aligned = Buffer.from(`${"\0".repeat(prefix.length % 3)}${key}`).toString("base64");
        const middle = aligned.slice(4, -4);
        if (middle.length >= 6) expect(out).not.toContain(middle);
      }),
      { numRuns: 300 },
    );
  });

  it("every reporter on exchanges with a gateway that echoes the secret and the card", {
    timeout: 60_000,
  }, async () => {
    const echo = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        res.writeHead(200, {
          "content-type": "application/json",
          "x-echo-auth": req.headers.authorization ?? "",
        });
        res.end(JSON.stringify({ url: req.url, authorization: req.headers.authorization, body }));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const baseUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    try {
      const samples = fc.sample(fc.tuple(secret, card), { numRuns: 25, seed: 42 });
      for (const [key, pan] of samples) {
        const http = new Exchanger(
          { baseUrl, shopId: "361", secretKey: key },
          { timeoutMs: 5_000, ratePerSecond: 0, testCards: TEST_CARDS },
        );
        const a = await http.send({
          method: "POST",
          path: `/transactions/payments?k=${encodeURIComponent(key)}`,
          body: {
            request: { amount: 1, credit_card: { number: pan }, note: `card ${grouped(pan, ".")}`, key },
          },
        });
        const results: CheckResult[] = [
          {
            check: "contract.response_schema_conformance",
            suite: "contract",
            status: "failed",
            message: `echoed ${a.text}`,
            exchange: a.exchange,
            durationMs: 1,
          },
        ];
        const report: RunReport = {
          target: baseUrl,
          profile: "p",
          startedAt: new Date().toISOString(),
          durationMs: 1,
          results: results.map((r) => ({ ...r, message: http.redact(r.message!) })),
          exchanges: http.exchanges,
          summary: {
            contract: { passed: 0, failed: 1, known_failure: 0, not_applicable: 0, skipped: 0, info: 0 },
          } as RunReport["summary"],
          failed: 1,
        };
        for (const s of ["async", "followup", "auth", "negative", "webhooks", "run"] as const)
          report.summary[s] = {
            passed: 0,
            failed: 0,
            known_failure: 0,
            not_applicable: 0,
            skipped: 0,
            info: 0,
          };
        for (const [name, text] of [
          ["json", json(report)],
          ["junit", junit(report)],
          ["har", har(report)],
          ["html", html(report)],
          ["pretty", pretty(report, false)],
        ] as const)
          expect(leaks(text, key, "361", pan), `${name} report for secret ${JSON.stringify(key)}`).toEqual(
            [],
          );
      }
    } finally {
      echo.closeAllConnections();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });
});
