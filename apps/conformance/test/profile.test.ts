/** Profiles are validated fully at load; the samples shipped in profiles/ are valid. */
import { readdirSync } from "node:fs";
import { startMockGateway } from "@paycross/mock-gateway";
import { describe, expect, it } from "vitest";
import { loadProfile, ProfileError, parseProfile } from "../src/index.js";

const base = { cards: { successful: "4200000000000000" } };

describe("profiles", () => {
  it("the samples shipped in profiles/ load", () => {
    const dir = new URL("../profiles/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files)
      expect(loadProfile(new URL(f, dir).pathname).cards.successful).toMatch(/^\d{12,19}$/);
  });

  it("the mock's sample profile carries the mock's own test cards", async () => {
    const { TEST_CARDS } = await import("@paycross/mock-gateway");
    const sample = loadProfile(new URL("../profiles/mock-gateway.json", import.meta.url).pathname);
    for (const [outcome, number] of Object.entries(sample.cards))
      expect(number).toBe(TEST_CARDS[outcome as keyof typeof TEST_CARDS]);
  });

  it("a public key must parse: the placeholder is refused, the mock's real key accepted", async () => {
    expect(() => parseProfile({ ...base, webhookPublicKey: "MIIBIjANBgkq…" }, "p.json")).toThrow(
      /webhookPublicKey is not a public key/,
    );
    const gw = await startMockGateway();
    try {
      expect(parseProfile({ ...base, webhookPublicKey: gw.webhooks.publicKey }).webhookPublicKey).toBe(
        gw.webhooks.publicKey,
      );
      expect(
        parseProfile({ ...base, webhookPublicKey: gw.webhooks.publicKeyPem }).webhookPublicKey,
      ).toBeDefined();
    } finally {
      await gw.close();
    }
  });

  it("a clock is a URL or a path on the target", () => {
    expect(parseProfile({ ...base, clock: { admin: "/__mock/clock" } }).clock).toEqual({
      admin: "/__mock/clock",
    });
    expect(parseProfile({ ...base, clock: { admin: "https://sandbox.example/clock" } }).clock?.admin).toBe(
      "https://sandbox.example/clock",
    );
    expect(() => parseProfile({ ...base, clock: "/__mock/clock" })).toThrow(/clock must be \{"admin"/);
    expect(() => parseProfile({ ...base, clock: { admin: "/x", speed: 2 } })).toThrow(
      /clock\.speed is not a clock field/,
    );
  });

  it("names every problem of a malformed profile, as a config error", () => {
    try {
      parseProfile(
        { cards: { successful: "42", bogus: "1" }, amountRange: [5, 1], responseTimeMs: 0, extra: 1 },
        "p.json",
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProfileError);
      expect((e as ProfileError).code).toBe("config");
      const m = (e as Error).message;
      for (const part of [
        "cards.successful must be a card number",
        "cards.bogus is not a known outcome",
        "amountRange must be [min, max]",
        "responseTimeMs must be a number",
        "extra is not a profile field",
      ])
        expect(m).toContain(part);
    }
  });
});

describe("the retention check and the profile's clock", () => {
  it("runs against a separately started mock through clock.admin; without a clock it says why not", {
    timeout: 60_000,
  }, async () => {
    const { SkewClock } = await import("@paycross/mock-gateway");
    const { MOCK_PROFILE, runConformance } = await import("../src/index.js");
    const gw = await startMockGateway({ clock: new SkewClock(), admin: true, asyncDelayMs: 30 });
    try {
      const target = { baseUrl: gw.url, shopId: gw.shopId, secretKey: gw.secretKey };
      const { clock: _c, ...noClock } = MOCK_PROFILE;
      const withClock = await runConformance({
        target,
        profile: { ...noClock, clock: { admin: `${gw.url}/__mock/clock` } },
        checks: ["async.retention_24h"],
      });
      expect(withClock.results.find((r) => r.check === "async.retention_24h")?.status).toBe("passed");
      const without = await runConformance({ target, profile: noClock, checks: ["async.retention_24h"] });
      const r = without.results.find((x) => x.check === "async.retention_24h");
      expect(r?.status).toBe("not_applicable");
      expect(r?.message).toMatch(/the profile names no test clock/);
    } finally {
      await gw.close();
    }
  });
});
