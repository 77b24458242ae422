/**
 * Runs the selected suites against a target and returns the results. A preflight comes first (one
 * authenticated read: no answer or refused credentials end the run with one clear error, not a
 * cascade of failures); then the suites run concurrently, bounded by the run's budget.
 */
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { getContract } from "@paycross/spec";
import { applyBaseline, type Baseline } from "./baseline.js";
import { CHECKS, type CheckId, SUITES, type SuiteName } from "./checks/catalog.js";
import { checkExchanges } from "./checks/exchanges.js";
import { SUITE_REGISTRY } from "./checks/index.js";
import type { WebhookTarget } from "./checks/webhooks.js";
import { Context } from "./context.js";
import { ConformanceError, UnreachableError } from "./errors.js";
import { Exchanger, type Target, TransportFailure } from "./http.js";
import type { Profile } from "./profile.js";
import { isSelected, validateSelection } from "./selection.js";
import type { CheckResult, Exchange, ResultStatus } from "./types.js";

export { type Baseline, baselineOf, parseBaseline } from "./baseline.js";
export { validateSelection } from "./selection.js";

export interface RunOptions {
  target: Target;
  profile: Profile;
  /** The target is the embedded mock (faster polling). */
  embedded?: boolean;
  suites?: string[];
  checks?: string[];
  skip?: string[];
  /** Per-request timeout; default: the profile's responseTimeMs. */
  timeoutMs?: number;
  ratePerSecond?: number;
  /** The whole run's budget; default 2 minutes for the embedded mock, 5 for a remote target. */
  maxDurationMs?: number;
  webhook?: WebhookTarget;
  baseline?: Baseline;
  onResult?: (r: CheckResult) => void;
}

export interface RunReport {
  target: string;
  profile: string;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  exchanges: Exchange[];
  summary: Record<SuiteName, Record<ResultStatus, number>>;
  /** Failures not covered by the baseline. */
  failed: number;
}

/** One authenticated read: refused credentials or no answer at all end the run before any check. */
async function preflight(http: Exchanger, target: Target): Promise<void> {
  let status: number;
  try {
    status = (
      await http.send({
        method: "GET",
        path: `/transactions/conformance-preflight-${randomUUID()}`,
        operation: "getTransaction",
      })
    ).status;
  } catch (e) {
    if (e instanceof TransportFailure)
      throw new UnreachableError(
        `cannot reach ${http.redact(target.baseUrl)}: ${e.exchange.error ?? e.message}`,
      );
    throw e;
  }
  if (status === 401)
    throw new ConformanceError(
      "credentials",
      `the gateway refused these credentials for shop ${target.shopId} (401 on an authenticated read)`,
    );
}

const emptySummary = () =>
  Object.fromEntries(
    SUITES.map((s) => [
      s,
      { passed: 0, failed: 0, known_failure: 0, not_applicable: 0, skipped: 0, info: 0 },
    ]),
  ) as RunReport["summary"];

export async function runConformance(opts: RunOptions): Promise<RunReport> {
  validateSelection(opts);
  const started = Date.now();
  const contract = getContract().precompile();
  const budget = new AbortController();
  // Every pending request and wait listens to the budget: hundreds at once is the design, not a leak.
  setMaxListeners(0, budget.signal);
  const maxDurationMs = opts.maxDurationMs ?? (opts.embedded ? 120_000 : 300_000);
  const http = new Exchanger(opts.target, {
    timeoutMs: opts.timeoutMs ?? opts.profile.responseTimeMs,
    ratePerSecond: opts.ratePerSecond ?? (opts.embedded ? 0 : 10),
    signal: budget.signal,
    testCards: Object.values(opts.profile.cards).filter((c): c is string => typeof c === "string"),
    testCvv: opts.profile.cvv,
  });
  await preflight(http, opts.target);
  const selection = { suites: opts.suites, checks: opts.checks, skip: opts.skip };
  const ctx = new Context(
    http,
    contract,
    opts.profile,
    Boolean(opts.embedded),
    selection,
    (r) => opts.onResult?.(r),
    budget.signal,
  );
  const wanted = (suite: SuiteName) =>
    CHECKS.some((c) => c.id.startsWith(`${suite}.`) && isSelected(c.id as CheckId, selection));
  const suites = (Object.keys(SUITE_REGISTRY) as Array<keyof typeof SUITE_REGISTRY>).filter(wanted);

  // What was pending is taken when the budget runs out, before the aborted waits unwind.
  let pending: string[] = [];
  const timer = setTimeout(() => {
    pending = [...ctx.waiting, ...[...http.inFlight].map((e) => `${e.method} ${e.url}`)];
    budget.abort();
  }, maxDurationMs);
  try {
    await Promise.all(suites.map((s) => SUITE_REGISTRY[s].run(ctx, { webhook: opts.webhook })));
    for (const s of suites) await SUITE_REGISTRY[s].runLast?.(ctx);
  } finally {
    clearTimeout(timer);
  }
  if (budget.signal.aborted) {
    ctx.fail(
      "run.max_duration",
      `rule: the run ends within --max-duration (${maxDurationMs} ms); still waiting for: ${pending.join("; ") || "nothing named"}`,
      { durationMs: Date.now() - started },
    );
  } else ctx.pass("run.max_duration", { durationMs: Date.now() - started });
  if (wanted("contract")) checkExchanges(ctx, http.exchanges, (e) => http.notJson.has(e));

  const order = new Map<string, number>(CHECKS.map((c, i) => [c.id, i]));
  const results = applyBaseline(
    [...ctx.results].sort((a, b) => order.get(a.check)! - order.get(b.check)!),
    opts.baseline,
  );
  const summary = emptySummary();
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
