/**
 * Attacks by the network: a gateway host that redirects, answers without end, answers too much, or
 * resets. Each test is named after the property it guards and counts what was tried and what held.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  createClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  isPayCrossError,
  PayCrossConfigError,
  PayCrossConnectionError,
  PayCrossRedirectError,
  PayCrossResponseTooLargeError,
} from "../../src/index.js";
import { clientFor, type Hostile, hostileServer, payment, pour, SECRET, TRANSPORTS } from "./hostile.js";

const open: Array<{ close(): Promise<void> }> = [];
const track = <T extends { close(): Promise<void> }>(x: T): T => {
  open.push(x);
  return x;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

const REDIRECTS = [301, 302, 303, 307, 308] as const;

describe.each(TRANSPORTS)("over %s", (name, makeTransport) => {
  it(`no redirect is followed: ${REDIRECTS.length} redirects tried, 0 requests (0 cards) reach the other origin`, async () => {
    const evil = track(
      await hostileServer((_req, res) => res.end('{"transaction":{"uid":"evil","status":"successful"}}')),
    );
    const gateway = track(
      await hostileServer((req, res) => {
        const status = Number(new URL(req.url ?? "/", "http://x").searchParams.get("s") ?? 307);
        res.writeHead(status, {
          location: `${evil.url}/steal?from=${status}`,
          "content-type": "application/json",
        });
        res.end("{}");
      }),
    );
    const { transport, close } = makeTransport();
    track({ close });
    const client = clientFor(gateway, transport);
    const held: number[] = [];
    for (const status of REDIRECTS) {
      const { error } = await client.raw
        .POST("/transactions/payments", {
          body: { request: payment },
          params: { query: { s: status } as never },
        })
        .then(
          () => ({ error: undefined }),
          (e: unknown) => ({ error: e }),
        );
      const e2 = await client.payments.create(payment, { headers: {} }).catch((e: unknown) => e);
      for (const e of [error, e2]) {
        expect(e).toBeInstanceOf(PayCrossRedirectError);
        if (!(e instanceof PayCrossRedirectError)) continue;
        expect(e.code).toBe("redirect");
        expect(e.location).toBe(evil.origin);
        expect(e.message).toContain(evil.origin);
        expect(e.message).toMatch(/answered 30\d/);
      }
      if (error instanceof PayCrossRedirectError) held.push(error.status ?? 0);
    }
    expect(held).toEqual([...REDIRECTS]);
    // Every attempt reached the gateway once (a redirect is not retried) and none went further.
    expect(gateway.seen).toHaveLength(REDIRECTS.length * 2);
    expect(evil.seen).toHaveLength(0);
    console.log(
      `${name}: ${gateway.seen.length} requests redirected, ${evil.seen.length} reached the other origin`,
    );
  });

  it("an endless body is cut at maxResponseBytes with a typed error, never read whole", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const gateway = track(
      await hostileServer((_req, res, server) => {
        res.writeHead(200, { "content-type": "application/json" });
        pour(res, server, chunk, 512 * 1024 * 1024);
      }),
    );
    const { transport, close } = makeTransport();
    track({ close });
    const max = 1024 * 1024;
    const error = await clientFor(gateway, transport, { maxResponseBytes: max, retry: false })
      .transactions.get("uid-1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayCrossResponseTooLargeError);
    expect(error).toMatchObject({ code: "response_too_large", responseStatus: 200, maxResponseBytes: max });
    // The server stops when the client hangs up; socket buffers hold a few MB at most.
    await new Promise((r) => setTimeout(r, 50));
    expect(gateway.written).toBeLessThan(64 * 1024 * 1024);
    console.log(`${name}: endless body stopped after the server wrote ${gateway.written} B (limit ${max} B)`);
  });

  it("a declared Content-Length over the limit is refused before the body is read", async () => {
    const gateway = track(
      await hostileServer((_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": String(600 * 1024 * 1024),
        });
        res.write("{");
      }),
    );
    const { transport, close } = makeTransport();
    track({ close });
    const error = await clientFor(gateway, transport, { retry: false })
      .transactions.get("uid-1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayCrossResponseTooLargeError);
    expect((error as Error).message).toMatch(/Content-Length 629145600/);
  });

  it(`the default limit (${DEFAULT_MAX_RESPONSE_BYTES} B) holds: a 5 MiB answer is refused and not retried`, async () => {
    const big = JSON.stringify({
      transaction: { uid: "u", status: "successful", pad: "x".repeat(5 * 1024 * 1024) },
    });
    const gateway = track(await hostileServer((_req, res) => res.end(big)));
    const { transport, close } = makeTransport();
    track({ close });
    const error = await clientFor(gateway, transport)
      .payments.create(payment)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayCrossResponseTooLargeError);
    expect(gateway.seen).toHaveLength(1);
  });

  it("a reset in the middle of a body is a connection error after the GET's retries (3 tried)", async () => {
    const gateway = track(
      await hostileServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"transaction":');
        setTimeout(() => res.socket?.destroy(), 5);
      }),
    );
    const { transport, close } = makeTransport();
    track({ close });
    const error = await clientFor(gateway, transport)
      .transactions.get("uid-1")
      .catch((e: unknown) => e);
    expect(isPayCrossError(error) && error.code).toBe("connection");
    expect(error).toBeInstanceOf(PayCrossConnectionError);
    expect(gateway.seen).toHaveLength(3);
  });
});

describe("the fetch option", () => {
  it("a 307 through `fetch` re-POSTs nothing: the card reaches the gateway only (1 tried, 0 elsewhere)", async () => {
    let evil: Hostile | undefined;
    evil = track(await hostileServer((_req, res) => res.end("{}")));
    const gateway = track(
      await hostileServer((_req, res) => {
        res.writeHead(307, { location: `${evil?.url}/x` });
        res.end();
      }),
    );
    const client = createClient({
      shopId: 1,
      secretKey: SECRET,
      baseUrl: gateway.url,
      fetch: globalThis.fetch,
    });
    const error = await client.payments.create(payment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayCrossRedirectError);
    expect(evil.seen).toHaveLength(0);
    expect(gateway.seen).toHaveLength(1);
  });

  it("a fetch that follows redirects itself is still refused: its answer never becomes a transaction", async () => {
    const gateway = track(
      await hostileServer((_req, res) => res.end('{"transaction":{"uid":"x","status":"successful"}}')),
    );
    const following: typeof fetch = async (input, init) => {
      const res = await globalThis.fetch(input, { ...init, redirect: "follow" });
      Object.defineProperty(res, "redirected", { value: true });
      return res;
    };
    const client = createClient({ shopId: 1, secretKey: SECRET, baseUrl: gateway.url, fetch: following });
    await expect(client.transactions.get("u")).rejects.toBeInstanceOf(PayCrossRedirectError);
  });
});

describe("idempotency keys", () => {
  it("an empty or blank idempotencyKey is a config error and nothing is sent (0 charges)", async () => {
    const gateway = track(await hostileServer((_req, res) => res.end("{}")));
    const { transport } = TRANSPORTS[0]![1]();
    const client = clientFor(gateway, transport);
    for (const key of ["", " ", "\t", "a\nb", "x".repeat(256)]) {
      const error = await client.payments.create(payment, { idempotencyKey: key }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayCrossConfigError);
      expect((error as Error).message).toMatch(/idempotencyKey/);
    }
    expect(gateway.seen).toHaveLength(0);
  });

  it("a raw POST whose RequestID header is empty is refused too", async () => {
    const gateway = track(await hostileServer((_req, res) => res.end("{}")));
    const client = clientFor(gateway, TRANSPORTS[0]![1]().transport);
    await expect(
      client.raw.POST("/transactions/payments", { body: { request: payment }, headers: { RequestID: " " } }),
    ).rejects.toBeInstanceOf(PayCrossConfigError);
    expect(gateway.seen).toHaveLength(0);
  });

  it("maxResponseBytes out of range is a config error", () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN, 2 ** 40])
      expect(() => createClient({ shopId: 1, secretKey: "k", maxResponseBytes })).toThrow(/maxResponseBytes/);
  });
});
