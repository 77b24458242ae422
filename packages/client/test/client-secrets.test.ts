/** The secret key, card number and CVV never appear in an error's message, JSON or stack. */
import { describe, expect, it } from "vitest";
import { createClient, PayCrossError } from "../src/index.js";
import { CVV, PAN, paymentRequest, SECRET, useScriptedGateway } from "./client-harness.js";
import { scriptedServer } from "./server.js";

const { ctx, make } = useScriptedGateway();

describe("secrets never leak", () => {
  it("no error message, JSON or stack carries the secret key, the card number or the CVV", async () => {
    const echo = (status: number) => (req: { body: string }, res: import("node:http").ServerResponse) => {
      // A hostile or buggy gateway that echoes the request back inside its error.
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          message: `bad request ${req.body} key=${SECRET} card ${PAN}`,
          errors: { base: [req.body] },
        }),
      );
    };
    const c = make({ retry: false });
    const errors: unknown[] = [];
    for (const status of [401, 404, 422, 429, 500]) {
      ctx.server.next(echo(status));
      errors.push(await c.payments.create(paymentRequest).catch((e) => e));
    }
    ctx.server.next((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<p>${PAN} ${SECRET} "verification_value":"${CVV}"</p>`);
    });
    errors.push(await c.payments.create(paymentRequest).catch((e) => e));
    ctx.server.next(echo(422));
    const failed = await c.async.result("t-1");
    errors.push(
      failed.state === "failed" ? failed.error : undefined,
      failed.state === "failed" ? failed.body : undefined,
    );
    await ctx.server.close();
    errors.push(await c.transactions.get("x").catch((e) => e));
    ctx.server = await scriptedServer();
    errors.push(
      await createClient({ shopId: 1, secretKey: SECRET, baseUrl: "http://127.0.0.1:1" })
        .async.status(`https://evil.test/${SECRET}`)
        .catch((e) => e),
    );

    expect(errors.filter((e) => e instanceof PayCrossError)).toHaveLength(9);
    for (const e of errors) {
      const text = [e instanceof Error ? `${e.message}\n${e.stack}` : "", JSON.stringify(e), String(e)].join(
        "\n",
      );
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(PAN);
      expect(text).not.toMatch(new RegExp(`"verification_value":"${CVV}"`));
      expect(text).not.toContain(Buffer.from(`361:${SECRET}`).toString("base64"));
    }
    expect(make().redact(`card ${PAN} key ${SECRET}`)).toBe("card ****0000 key [REDACTED]");
  });
});
