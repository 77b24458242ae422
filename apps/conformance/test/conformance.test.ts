import { afterEach, describe, expect, it } from "vitest";
import {
  baselineOf,
  curlOf,
  har,
  junit,
  MOCK_PROFILE,
  type RunReport,
  runConformance,
} from "../src/index.js";
import { type Breakage, brokenGateway } from "./broken.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function runAgainst(
  breakage: Breakage,
  options: Partial<Parameters<typeof runConformance>[0]> = {},
): Promise<RunReport> {
  const b = await brokenGateway(breakage);
  closers.push(() => b.close());
  return runConformance({
    target: b.target,
    profile: MOCK_PROFILE,
    embedded: true,
    webhook: { listenHost: "127.0.0.1", listenPort: 0 },
    ...options,
  });
}

const failures = (r: RunReport) => r.results.filter((x) => x.status === "failed");

describe("against a conforming gateway", () => {
  it("every applicable check passes, and each suite ran", { timeout: 60_000 }, async () => {
    const report = await runAgainst("none");
    expect(failures(report)).toEqual([]);
    // Credits are exercised in both modes, from the spec's catalogue.
    const ops = new Set(report.results.map((r) => r.operation));
    expect(ops.has("createCredit") && ops.has("createCreditAsync")).toBe(true);
    for (const suite of ["contract", "async", "followup", "auth", "negative", "webhooks"] as const) {
      expect(report.summary[suite].passed, suite).toBeGreaterThan(0);
    }
    expect(report.results.find((r) => r.check === "async.retention_24h")?.status).toBe("passed");
    expect(report.results.find((r) => r.check === "async.read_once_error")?.status).toBe("passed");
  });
});

describe("baseline and reports", () => {
  it("a baseline accepts known failures, and new ones still fail", { timeout: 60_000 }, async () => {
    const broken = await runAgainst("text_html", { suites: ["contract"] });
    const baseline = baselineOf(broken);
    expect(baseline.accepted.length).toBeGreaterThan(0);
    const again = await runAgainst("text_html", { suites: ["contract"], baseline });
    expect(again.failed).toBe(0);
    expect(again.results.some((r) => r.status === "known_failure")).toBe(true);
    const other = await runAgainst("drop_required_field", {
      suites: ["contract"],
      baseline: {
        accepted: baseline.accepted.filter((a) => a.check !== "contract.response_schema_conformance"),
      },
    });
    expect(other.failed).toBeGreaterThan(0);
  });

  it("JUnit and HAR carry the failures and never a secret or a card number", {
    timeout: 60_000,
  }, async () => {
    const report = await runAgainst("drop_required_field", { suites: ["contract", "auth"] });
    const xml = junit(report);
    expect(xml).toContain("reproduce: curl -sS -X POST");
    expect(xml).toMatch(/<testsuite name="contract" tests="\d+" failures="[1-9]/);
    expect(xml).toContain("contract.response_schema_conformance [createPayment]");
    const archive = JSON.parse(har(report));
    expect(archive.log.entries.length).toBe(report.exchanges.length);
    const all = `${xml}\n${har(report)}\n${JSON.stringify(report.results)}`;
    expect(all).not.toContain("mock-secret-key-361");
    expect(all).not.toContain(Buffer.from("361:mock-secret-key-361").toString("base64"));
    // The profile's test cards are public test numbers: the curl prints them so that it reproduces.
    const payment = report.results.find(
      (r) => r.status === "failed" && r.exchange?.requestBody?.includes('"credit_card"'),
    );
    expect(curlOf(payment!.exchange!)).toContain(`"number":"${MOCK_PROFILE.cards.successful}"`);
  });

  it("selects suites and checks", { timeout: 30_000 }, async () => {
    const report = await runAgainst("none", { checks: ["async.unknown_request_id"] });
    expect(new Set(report.results.filter((r) => r.suite !== "run").map((r) => r.check))).toEqual(
      new Set(["async.unknown_request_id"]),
    );
    await expect(runAgainst("none", { checks: ["nope.check"] })).rejects.toThrow(
      /unknown check "nope.check"/,
    );
  });
});
