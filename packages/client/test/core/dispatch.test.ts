import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClient, PayCrossTimeoutError } from "../../src/index.js";
import { splitUrl } from "../../src/transport/dispatch.js";

describe("splitUrl (the dispatch transport's URL split, without a URL object)", () => {
  it("gives the origin and path a URL object gives, for every URL the client builds", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("http", "https"),
        fc.constantFrom("127.0.0.1", "gateway.pay-cross.com", "[::1]"),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.array(segment, { maxLength: 4 }),
        fc.option(segment, { nil: undefined }),
        (scheme, host, port, segments, query) => {
          const raw = `${scheme}://${host}${port ? `:${port}` : ""}${segments.length ? `/${segments.join("/")}` : ""}${query !== undefined ? `?q=${query}` : ""}`;
          const url = new URL(raw);
          const { origin, path } = splitUrl(url.href);
          expect(new URL(origin).origin).toBe(url.origin);
          expect(path).toBe(url.pathname + url.search);
        },
      ),
    );
  });
});

describe("the default transport's own deadline (no AbortController per attempt)", () => {
  it("a body that stalls after the headers times out per attempt, and each attempt is retried then reported", async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      req.resume();
      if (req.url === "/transactions/warm") return res.end('{"transaction":{"uid":"warm"}}');
      requests++;
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"transaction":'); // and never the rest
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const client = createClient({
        shopId: 1,
        secretKey: "k",
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        timeoutMs: 100,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      });
      await client.transactions.get("warm"); // undici loaded, a connection open
      const err = await client.transactions.get("x").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PayCrossTimeoutError);
      expect((err as Error).message).toMatch(/timed out after 100 ms/);
      expect(requests).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
