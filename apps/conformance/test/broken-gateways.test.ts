/**
 * Each deliberately broken gateway (a proxy in front of the mock that breaks one rule) is caught by
 * the check named after that rule, and by no unrelated one; each whole run stays within a 60 s budget
 * (asserted through the run's own `run.max_duration` check, not by timing the test).
 */
import { afterEach, describe, expect, it } from "vitest";
import { MOCK_PROFILE, type RunReport, runConformance } from "../src/index.js";
import { type Breakage, brokenGateway } from "./broken.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function runAgainst(breakage: Breakage, maxDurationMs = 60_000): Promise<RunReport> {
  const b = await brokenGateway(breakage);
  closers.push(() => b.close());
  return runConformance({
    target: b.target,
    // A hang is certain here: a 10 s bound catches it well within the 60 s budget.
    profile: breakage === "result_hangs" ? { ...MOCK_PROFILE, responseTimeMs: 10_000 } : MOCK_PROFILE,
    embedded: true,
    ratePerSecond: 1000,
    maxDurationMs,
    webhook: { listenHost: "127.0.0.1", listenPort: 0 },
  });
}

/** [breakage, the check that must catch it, its message, other checks the same departure may fail]. */
const CASES: Array<[Breakage, string, RegExp, string[]]> = [
  [
    "capture_as_payment",
    "contract.transaction_type_matches",
    /rule: each operation's answer has its own type; POST \S+\/transactions\/captures answered a transaction of type "payment", expected "capture"/,
    [],
  ],
  [
    "ignores_request_id",
    "contract.idempotent_request_id",
    /rule: the same RequestID gives the same transaction; the replay POST \S+\/transactions\/payments answered 200 with uid/,
    [],
  ],
  [
    "ignores_duplicate_check",
    "contract.duplicate_check",
    /rule: an identical request within 30 s is refused; the same payment sent again POST \S+ answered 200/,
    [],
  ],
  [
    "allows_overdraft",
    "contract.parent_child_rules",
    /rule: a capture is at most the authorized amount; POST/,
    [],
  ],
  [
    "result_200_once",
    "async.result_readable_again",
    /rule: a 200 result is kept 24 h and reads the same again; the second GET \S+\/async\/result\/\S+ answered 404/,
    ["async.retention_24h"],
  ],
  [
    "result_hangs",
    "contract.response_time",
    /rule: every request answers within \d+ ms; GET \S+\/async\/result\/\S+ no answer within/,
    [],
  ],
  [
    "non_json_2xx",
    "contract.response_is_json",
    /rule: every answer is JSON; GET \S+\/async\/result\/\S+ answered 200 with a body that is not JSON/,
    [],
  ],
  [
    "read_once_twice",
    "async.read_once_error",
    /rule: a non-200 result is returned once; after the error result \(422\) was read once, getAsyncResult answered 422/,
    [],
  ],
  ["status_backwards", "async.status_monotonic", /went back from completed to processing/, []],
  ["text_html", "contract.content_type_conformance", /content-type is text\/html/, []],
  [
    "unknown_id_200",
    "async.unknown_request_id",
    /answered 200 .* expected 404 "unknown"/,
    // The same departure: an id the gateway no longer knows answers 200 instead of 404 "unknown".
    ["async.read_once_error", "async.retention_24h"],
  ],
  [
    "server_error_on_bad_body",
    "negative.missing_required_fields_rejected",
    /bad input caused a server error \(500\)/,
    [
      "negative.malformed_json_rejected",
      "negative.wrong_types_rejected",
      "negative.missing_api_version_rejected",
    ],
  ],
  [
    "accepts_wrong_credentials",
    "auth.wrong_credentials_rejected",
    /answered 200 to wrong credentials; expected 401/,
    ["auth.missing_credentials_rejected"],
  ],
  ["async_url_elsewhere", "async.accepted_shape", /status_url points to http:\/\/127\.0\.0\.2:9/, []],
  [
    "drop_required_field",
    "contract.response_schema_conformance",
    /must have required property 'uid'/,
    // Without a uid nothing can be followed up: every check that needs one fails for that reason.
    [
      "contract.positive_data_acceptance",
      "contract.operations_covered",
      "async.result_matches_sync",
      "followup.tracking_id_finds_transaction",
      "followup.incomplete_reaches_final",
    ],
  ],
];

describe("each broken gateway is caught by its own check, and by no unrelated one, within 60 s", () => {
  it.each(CASES)("%s → %s", { timeout: 120_000 }, async (breakage, check, message, related) => {
    const report = await runAgainst(breakage);
    const failures = report.results.filter((r) => r.status === "failed");
    const hit = failures.find((f) => f.check === check && message.test(f.message ?? ""));
    expect(
      hit,
      `${check} did not fail as expected; failures: ${failures.map((f) => `${f.check}: ${f.message}`).join("\n")}`,
    ).toBeDefined();
    expect(hit!.exchange?.status ?? hit!.exchange?.error).toBeDefined();
    const unrelated = failures.filter((f) => f.check !== check && !related.includes(f.check));
    expect(
      unrelated.map((f) => `${f.check} [${f.operation}]: ${f.message?.slice(0, 160)}`).slice(0, 5),
    ).toEqual([]);
    // The run's budget held: the whole suite finished within 60 s against this gateway.
    expect(report.results.find((r) => r.check === "run.max_duration")?.status).toBe("passed");
    expect(failures.every((f) => !/undefined/.test(f.message ?? ""))).toBe(true);
  });
});

describe("the run's budget", () => {
  it("a run that exceeds --max-duration stops, fails run.max_duration and names what was still waiting", {
    timeout: 60_000,
  }, async () => {
    const b = await brokenGateway("result_hangs");
    closers.push(() => b.close());
    const report = await runConformance({
      target: b.target,
      // Requests may wait 60 s: only the 3 s budget can end this run early.
      profile: { ...MOCK_PROFILE, responseTimeMs: 60_000, asyncTimeoutMs: 60_000 },
      embedded: true,
      maxDurationMs: 3_000,
      suites: ["async"],
    });
    const budget = report.results.find((r) => r.check === "run.max_duration");
    expect(budget?.status).toBe("failed");
    expect(budget?.message).toMatch(
      /rule: the run ends within --max-duration \(3000 ms\); still waiting for: .*\/async\/result\//,
    );
    expect(report.durationMs).toBeLessThan(50_000);
  });
});

describe("fields the contract does not declare", () => {
  it("are shown as information, never as failures", { timeout: 120_000 }, async () => {
    const report = await runAgainst("extra_field");
    expect(
      report.results.filter((r) => r.status === "failed").map((r) => `${r.check}: ${r.message}`),
    ).toEqual([]);
    const info = report.results.filter((r) => r.check === "contract.unknown_fields");
    expect(info.length).toBeGreaterThan(0);
    expect(info.every((r) => r.status === "info")).toBe(true);
    expect(info[0]!.message).toContain("/transaction/acquirer_reference");
    expect(report.summary.contract.info).toBe(info.length);
  });
});
