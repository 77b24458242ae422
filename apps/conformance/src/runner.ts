/** Runs the selected suites against a target and returns the results. */
import { getContract } from "@paycross/spec";
import { ALL_CHECKS, SUITE_MODULES } from "./checks/index.js";
import type { WebhookTarget } from "./checks/webhooks.js";
import { Context } from "./context.js";
import { Exchanger, type Target, TransportFailure } from "./http.js";
import type { Profile } from "./profile.js";
import { type CheckResult, type Exchange, SUITES, type SuiteName } from "./types.js";

export interface RunOptions {
  target: Target;
  profile: Profile;
  /** The target is the embedded mock (faster polling, its admin clock). */
  embedded?: boolean;
  suites?: string[];
  checks?: string[];
  skip?: string[];
  timeoutMs?: number;
  ratePerSecond?: number;
  webhook?: WebhookTarget;
  baseline?: Baseline;
  onResult?: (r: CheckResult) => void;
}

export interface Baseline {
  accepted: Array<{ check: string; operation?: string; reason?: string }>;
}

export interface RunReport {
  target: string;
  profile: string;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  exchanges: Exchange[];
  summary: Record<SuiteName, Record<CheckResult["status"], number>>;
  /** Failures not covered by the baseline. */
  failed: number;
}

export class UsageError extends Error {}
export class UnreachableError extends Error {}

/** Names that --suite, --check and --skip accept; anything else is a usage error. */
export function validateSelection(opts: Pick<RunOptions, "suites" | "checks" | "skip">): void {
  const ids = new Set(ALL_CHECKS.map((c) => c.id));
  for (const s of opts.suites ?? [])
    if (!SUITES.includes(s as SuiteName))
      throw new UsageError(`unknown suite ${JSON.stringify(s)}; suites: ${SUITES.join(", ")}`);
  for (const c of opts.checks ?? [])
    if (!ids.has(c)) throw new UsageError(`unknown check ${JSON.stringify(c)}; run --list-checks`);
  for (const c of opts.skip ?? [])
    if (!ids.has(c) && !SUITES.includes(c as SuiteName))
      throw new UsageError(`unknown check or suite to skip: ${JSON.stringify(c)}`);
}

export async function runConformance(opts: RunOptions): Promise<RunReport> {
  validateSelection(opts);
  const started = Date.now();
  const contract = getContract().precompile();
  const http = new Exchanger(opts.target, {
    timeoutMs: opts.timeoutMs ?? 15_000,
    ratePerSecond: opts.ratePerSecond ?? (opts.embedded ? 0 : 10),
    keepExchanges: true,
  });
  // Reachability first: any HTTP answer will do; no answer is exit code 2, not a list of failures.
  try {
    await http.send({ method: "GET", path: "/async/status/conformance-reachability-probe" });
  } catch (e) {
    if (e instanceof TransportFailure)
      throw new UnreachableError(`cannot reach ${http.redact(opts.target.baseUrl)}: ${e.exchange.error}`);
    throw e;
  }
  const ctx = new Context(
    http,
    contract,
    opts.profile,
    Boolean(opts.embedded),
    {
      ...(opts.suites?.length ? { suites: new Set(opts.suites) } : {}),
      ...(opts.checks?.length ? { checks: new Set(opts.checks) } : {}),
      ...(opts.skip?.length ? { skip: new Set(opts.skip) } : {}),
    },
    (r) => opts.onResult?.(r),
  );
  const wanted = (suite: SuiteName) => SUITE_MODULES[suite].CHECKS.some((c) => ctx.selected(c.id));
  if (wanted("contract")) await SUITE_MODULES.contract.run(ctx);
  if (wanted("async")) await SUITE_MODULES.async.run(ctx);
  if (wanted("followup")) await SUITE_MODULES.followup.run(ctx);
  if (wanted("auth")) await SUITE_MODULES.auth.run(ctx);
  if (wanted("negative")) await SUITE_MODULES.negative.run(ctx);
  if (wanted("webhooks")) await SUITE_MODULES.webhooks.run(ctx, opts.webhook);

  const results = applyBaseline(ctx.results, opts.baseline);
  const summary = Object.fromEntries(
    SUITES.map((s) => [s, { passed: 0, failed: 0, known_failure: 0, not_applicable: 0, skipped: 0 }]),
  ) as RunReport["summary"];
  for (const r of results) summary[r.suite][r.status]++;
  return {
    target: http.redact(opts.target.baseUrl),
    profile: opts.profile.name,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
    exchanges: http.exchanges,
    summary,
    failed: results.filter((r) => r.status === "failed").length,
  };
}

function applyBaseline(results: CheckResult[], baseline: Baseline | undefined): CheckResult[] {
  if (!baseline) return results;
  return results.map((r) =>
    r.status === "failed" &&
    baseline.accepted.some(
      (a) => a.check === r.check && (a.operation === undefined || a.operation === r.operation),
    )
      ? { ...r, status: "known_failure" as const }
      : r,
  );
}

/** Reads a baseline file's content, naming what is wrong with it. */
export function parseBaseline(raw: unknown, where: string): Baseline {
  const b = raw as Baseline | null;
  if (!b || typeof b !== "object" || !Array.isArray(b.accepted))
    throw new UsageError(`${where}: a baseline is {"accepted": [{"check": "...", "operation": "..."}]}`);
  const ids = new Set(ALL_CHECKS.map((c) => c.id));
  b.accepted.forEach((a, i) => {
    if (!a || typeof a.check !== "string" || !ids.has(a.check))
      throw new UsageError(`${where}: accepted[${i}].check must name a known check`);
    if (a.operation !== undefined && typeof a.operation !== "string")
      throw new UsageError(`${where}: accepted[${i}].operation must be a string`);
  });
  return b;
}

/** The baseline that accepts exactly the current failures. */
export function baselineOf(report: RunReport): Baseline {
  const seen = new Set<string>();
  const accepted: Baseline["accepted"] = [];
  for (const r of report.results) {
    if (r.status !== "failed" && r.status !== "known_failure") continue;
    const key = `${r.check}|${r.operation ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    accepted.push({
      check: r.check,
      ...(r.operation ? { operation: r.operation } : {}),
      reason: r.message ?? "",
    });
  }
  return { accepted };
}
