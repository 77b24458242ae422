import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
