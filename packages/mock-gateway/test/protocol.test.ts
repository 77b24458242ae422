import { spawn } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY, DEFAULT_SHOP_ID, startMockGateway } from "../src/index.js";
import { contract, expectConforms, type Harness, harness, payment } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.gw.close());

const concretePath = (path: string) =>
  path.replace("{uid}", "some-uid").replace("{tracking_id}", "order-1").replace("{request_id}", "10203");

describe("authentication", () => {
  it.each(contract.operations.map((o) => [o.operationId, o] as const))(
    "%s answers 401 without or with wrong credentials",
    async (_id, op) => {
      for (const authorization of [
        undefined,
        `Basic ${Buffer.from(`${h.gw.shopId}:wrong`).toString("base64")}`,
      ]) {
        const res = await fetch(h.gw.url + concretePath(op.path), {
          method: op.method.toUpperCase(),
          headers: authorization ? { authorization } : {},
          body: op.method === "post" ? JSON.stringify({ request: payment() }) : null,
        });
        expect(res.status).toBe(401);
        expectConforms(op.operationId, 401, await res.json());
      }
    },
  );
});

describe("bad input", () => {
  it("malformed JSON gets 422 with the error shape", async () => {
    const res = await h.call("POST", "/transactions/payments", "{not json");
    expect(res.status).toBe(422);
    expectConforms("createPayment", 422, res.body);
  });

  it("invalid fields get 422 naming each field, without the request envelope", async () => {
    const res = await h.call("POST", "/transactions/payments", {
      request: { amount: 0, currency: "usd", description: "x", credit_card: { number: "42" } },
    });
    expect(res.status).toBe(422);
    expectConforms("createPayment", 422, res.body);
    expect(res.body.errors.amount).toEqual(["must be >= 1"]);
    expect(res.body.errors.currency[0]).toMatch(/pattern/);
    expect(res.body.errors.credit_card.number[0]).toMatch(/pattern/);
  });

  it("a missing envelope is named", async () => {
    const res = await h.call("POST", "/transactions/payments", { amount: 1 });
    expect(res.body.errors).toEqual({ request: ["can't be blank"] });
  });

  it("the balance query needs X-API-Version: 2", async () => {
    const res = await h.call("POST", "/balance", { request: {} });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual({ "X-API-Version": ["must be 2"] });
    expect((await h.call("POST", "/balance", { request: {} }, { "X-API-Version": "2" })).status).toBe(200);
  });

  it("an unknown path gets 404 JSON", async () => {
    const res = await h.call("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("arbitrary bodies and headers never get a 5xx, always a spec-valid answer", {
    timeout: 60_000,
  }, async () => {
    const ops = contract.operations.filter((o) => o.operationId !== "getAsyncResult");
    const json = fc.jsonValue({ maxDepth: 3 });
    const body = fc.oneof(
      json.map((v) => JSON.stringify(v)),
      json.map((v) => JSON.stringify({ request: v })),
      fc.string(),
      fc
        .record({ amount: fc.integer(), currency: fc.string(), description: fc.string() })
        .map((r) => JSON.stringify({ request: r })),
    );
    const headers = fc.dictionary(
      fc.constantFrom("RequestID", "X-API-Version", "Content-Type", "Accept", "X-Anything"),
      fc.string({ minLength: 0, maxLength: 20 }).filter((s) => /^[\x21-\x7e ]*$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops), body, headers, async (op, payload, extra) => {
        const res = await fetch(h.gw.url + concretePath(op.path), {
          method: op.method.toUpperCase(),
          headers: {
            "content-type": "application/json",
            ...extra,
            authorization: `Basic ${Buffer.from(`${h.gw.shopId}:${h.gw.secretKey}`).toString("base64")}`,
          },
          body: op.method === "post" ? payload : null,
        });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status === 415) {
          // Transport-level refusal (not in the contract's operation statuses): a non-JSON type was sent.
          expect(extra["Content-Type"]).not.toMatch(/^\s*application\/json\s*(;|$)/i);
          expect(contract.validateSchema("ErrorResponse", JSON.parse(text))).toEqual([]);
          return;
        }
        expectConforms(op.operationId, res.status, JSON.parse(text));
      }),
      { numRuns: 300, seed: 42 },
    );
    expect((await h.call("GET", "/async/status/10203")).status).toBe(404);
  });
});

describe("webhooks", () => {
  it("POSTs the transaction, signed with Content-Signature and the shop's Basic credentials, retrying until 200", {
    timeout: 60_000,
  }, async () => {
    const received: Array<{ body: string; signature: string; authorization: string }> = [];
    let failuresLeft = 2;
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({
          body,
          signature: String(req.headers["content-signature"]),
          authorization: String(req.headers.authorization),
        });
        res.statusCode = failuresLeft-- > 0 ? 500 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const gw = await startMockGateway({ webhooks: { retryDelaysMs: [10, 10, 10] } });
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const res = await fetch(`${gw.url}/transactions/payments`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ request: payment("successful", { notification_url: url }) }),
      });
      const { transaction } = await res.json();
      // Wait on the sender's own record: the receiver sees the third POST before the sender has read
      // its 200 and recorded it, so waiting for `received.length === 3` raced with the record.
      await expect
        .poll(() => gw.webhooks.deliveries.map((d) => d.outcome), { timeout: 30_000 })
        .toEqual([500, 500, 200]);
      expect(received).toHaveLength(3);
      const key = createPublicKey({
        key: Buffer.from(gw.webhooks.publicKey, "base64"),
        format: "der",
        type: "spki",
      });
      for (const r of received) {
        expect(verify("sha256", Buffer.from(r.body), key, Buffer.from(r.signature, "base64"))).toBe(true);
        expect(r.authorization).toBe(
          `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`,
        );
        expect(JSON.parse(r.body)).toEqual({ transaction });
        expect(contract.validateSchema("TransactionResponse", JSON.parse(r.body))).toEqual([]);
      }
      expect(
        verify(
          "sha256",
          Buffer.from(received[0]!.body.replace("successful", "failed")),
          key,
          Buffer.from(received[0]!.signature, "base64"),
        ),
      ).toBe(false);
    } finally {
      await gw.close();
      receiver.close();
    }
  });

  it("never calls a non-loopback address unless allowed", async () => {
    const gw = await startMockGateway();
    try {
      await fetch(`${gw.url}/transactions/payments`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          request: payment("successful", { notification_url: "https://merchant.example/hook" }),
        }),
      });
      await expect
        .poll(() => gw.webhooks.deliveries, { timeout: 10_000 })
        .toEqual([expect.objectContaining({ attempt: 0, outcome: "refused: not a loopback address" })]);
    } finally {
      await gw.close();
    }
  });
});

describe("fault injection", () => {
  it("is off by default and deterministic for a seed", async () => {
    const run = async () => {
      const gw = await startMockGateway({
        faults: [{ kind: "error", rate: 0.5, status: 503 }],
        faultSeed: 7,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(`${gw.url}/async/status/x`)).status);
      await gw.close();
      return statuses;
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(a).toContain(503);
    expect(a).toContain(401);
  });

  it("injects 429 with Retry-After, resets, malformed bodies and latency, per route", async () => {
    h.gw.faults.set([{ kind: "rateLimit", retryAfter: "3", routes: ["getAsyncStatus"], times: 1 }]);
    const limited = await h.call("GET", "/async/status/x");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await h.call("GET", "/async/status/x")).status).toBe(404);
    h.gw.faults.set([{ kind: "reset", routes: ["/transactions/"] }]);
    await expect(h.call("GET", "/transactions/abc")).rejects.toThrow();
    expect((await h.call("GET", "/async/status/x")).status).toBe(404);
    h.gw.faults.set([{ kind: "malformed", routes: ["getTransaction"] }]);
    await expect(h.call("GET", "/transactions/abc")).rejects.toThrow(SyntaxError);
    h.gw.faults.set([{ kind: "latency", latencyMs: 150 }]);
    const t0 = performance.now();
    await h.call("GET", "/async/status/x");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    h.gw.faults.set([]);
  });

  it("rejects a malformed fault with a message naming the field", () => {
    expect(() => h.gw.faults.set([{ kind: "error", rate: 2 }])).toThrow(
      "faults[0].rate must be a number from 0 to 1",
    );
    expect(() => h.gw.faults.set([{ kind: "boom" as never }])).toThrow(/faults\[0\]\.kind must be one of/);
  });
});

describe("admin endpoints", () => {
  it("are off unless enabled", async () => {
    const gw = await startMockGateway();
    try {
      const res = await fetch(`${gw.url}/__mock/clock`, {
        headers: { authorization: `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}` },
      });
      expect(res.status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  it("move the manual clock, set faults and reset state", async () => {
    const before = (await h.call("GET", "/__mock/clock")).body.now;
    expect((await h.call("POST", "/__mock/clock", { advanceMs: 1000 })).body.now).toBe(before + 1000);
    expect((await h.call("POST", "/__mock/clock", { advanceMs: -1 })).status).toBe(400);
    expect((await h.call("PUT", "/__mock/faults", { faults: [{ kind: "nope" }] })).status).toBe(400);
    const paid = await h.client.payments.create(payment());
    expect((await h.call("POST", "/__mock/reset")).status).toBe(200);
    await expect(h.client.transactions.get(paid.transaction.uid)).rejects.toMatchObject({ status: 404 });
  });
});

describe("the CLI", { timeout: 30_000 }, () => {
  const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, ...args]);
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("listening on")) child.kill("SIGTERM");
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("close", (code) => resolve({ code, out, err }));
    });

  it("prints --help and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--port <n>/);
    expect((await run(["--version"])).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 2 naming a bad flag", async () => {
    const r = await run(["--port", "http"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--port must be a whole number/);
    expect((await run(["--manual-clock"])).err).toMatch(/needs --admin/);
    expect((await run(["--max-transactions", "0"])).err).toMatch(/--max-transactions must be between 1/);
  });

  it("listens on loopback and says where, and stops on SIGTERM", async () => {
    const r = await run(["--port", "0"]);
    expect(r.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(shop 361\)/);
    expect(r.code).toBe(0);
  });

  it("names the default credentials at start and in --help, and never prints a key the user chose", async () => {
    const r = await run(["--port", "0"]);
    expect(r.out).toContain(`shop id ${DEFAULT_SHOP_ID}, secret key ${DEFAULT_SECRET_KEY}`);
    expect((await run(["--help"])).out).toContain(DEFAULT_SECRET_KEY);
    const own = await run(["--port", "0", "--secret-key", "my-own-secret-key"]);
    expect(own.out).toMatch(/listening on/);
    expect(own.out + own.err).not.toContain("my-own-secret-key");
  });

  it("has a committed bin launcher that runs the built CLI (so pnpm links it before any build)", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const launcher = fileURLToPath(new URL(`../${pkg.bin["paycross-mock-gateway"]}`, import.meta.url));
    expect(launcher).toMatch(/bin\/paycross-mock-gateway\.js$/);
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [launcher, "--version"]);
      let text = "";
      child.stdout.on("data", (d) => {
        text += d;
      });
      child.on("close", () => resolve(text));
    });
    expect(out.trim()).toBe(pkg.version);
  });
});
