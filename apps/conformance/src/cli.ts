/**
 * paycross-conformance: with no arguments, starts the embedded mock gateway and checks it; with
 * --base-url and credentials, checks any gateway. Exit 0: every applicable check passed; 1: failures;
 * 2: bad usage, bad files, refused credentials or an unreachable target (derived from the error's code).
 */
import { writeFileSync } from "node:fs";
import { type MockGateway, SkewClock, startMockGateway } from "@paycross/mock-gateway";
import packageJson from "../package.json" with { type: "json" };
import { baselineOf } from "./baseline.js";
import { CHECKS } from "./checks/catalog.js";
import { HELP } from "./cli/help.js";
import { parseCli, type RunPlan } from "./cli/options.js";
import { countSelected, progress, writeReports } from "./cli/output.js";
import { ConformanceError, exitCodeOf, UsageError } from "./errors.js";
import { MOCK_PROFILE, type Profile } from "./profile.js";
import { runConformance } from "./runner.js";
import { isSelected } from "./selection.js";

function profileFor(plan: RunPlan, embedded: boolean): Profile {
  if (plan.profile)
    return embedded
      ? {
          ...plan.profile,
          clock: plan.profile.clock ?? MOCK_PROFILE.clock!,
          webhookPublicKeyPath: MOCK_PROFILE.webhookPublicKeyPath!,
        }
      : plan.profile;
  if (embedded) return MOCK_PROFILE;
  // A remote target without a profile: the mock's cards, remote time bounds, no clock.
  const { clock: _clock, webhookPublicKeyPath: _key, ...rest } = MOCK_PROFILE;
  return {
    ...rest,
    name: "default (mock cards)",
    asyncTimeoutMs: 30_000,
    followUpTimeoutMs: 60_000,
    responseTimeMs: 15_000,
  };
}

async function run(plan: RunPlan): Promise<number> {
  let gateway: MockGateway | undefined;
  try {
    if (!plan.remote)
      gateway = await startMockGateway({
        clock: new SkewClock(),
        admin: true,
        asyncDelayMs: 100,
        incompleteResolveMs: 300,
      });
    const target = plan.remote ?? {
      baseUrl: gateway!.url,
      shopId: gateway!.shopId,
      secretKey: gateway!.secretKey,
    };
    const selected = countSelected((id) => isSelected(id, plan));
    const live = progress(
      process.stderr,
      selected,
      plan.remote ? target.baseUrl : "the embedded mock gateway",
    );
    const report = await runConformance({
      target,
      profile: profileFor(plan, !plan.remote),
      embedded: !plan.remote,
      suites: plan.suites,
      checks: plan.checks,
      skip: plan.skip,
      ...(plan.timeoutMs !== undefined ? { timeoutMs: plan.timeoutMs } : {}),
      ...(plan.rate !== undefined ? { ratePerSecond: plan.rate } : {}),
      ...(plan.maxDurationMs !== undefined ? { maxDurationMs: plan.maxDurationMs } : {}),
      ...(plan.webhook ? { webhook: plan.webhook } : {}),
      ...(plan.baseline ? { baseline: plan.baseline } : {}),
      onResult: live.onResult,
    }).finally(live.done);
    writeReports(report, plan, process.stdout.isTTY === true && !plan.noColor);
    if (plan.writeBaseline !== undefined) {
      const baseline = baselineOf(report);
      try {
        writeFileSync(plan.writeBaseline, `${JSON.stringify(baseline, null, 2)}\n`);
      } catch (e) {
        throw new UsageError(
          `--write-baseline ${plan.writeBaseline}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      process.stderr.write(
        `paycross-conformance: wrote ${plan.writeBaseline} accepting ${baseline.accepted.length} known failure(s); use it with --baseline ${plan.writeBaseline}\n`,
      );
      return 0;
    }
    return report.failed > 0 ? 1 : 0;
  } finally {
    await gateway?.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = await parseCli(argv, process.env);
  if (parsed.action === "run") return run(parsed.plan);
  if (parsed.action === "help") process.stdout.write(`${HELP}\n`);
  else if (parsed.action === "version") process.stdout.write(`${packageJson.version}\n`);
  else if (parsed.action === "list-checks")
    for (const c of CHECKS) process.stdout.write(`${c.id.padEnd(48)} ${c.description}\n`);
  return 0;
}

// process.exit, not exitCode: whatever a failed run left open (a socket, a timer) must not keep the
// process alive after its answer is printed.
/** Exits once stdout and stderr are flushed (a pipe may still hold a large report). */
function exit(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (e: unknown) => {
    const usage = e instanceof ConformanceError && (e.code === "usage" || e.code === "config");
    process.stderr.write(
      e instanceof ConformanceError
        ? `paycross-conformance: ${e.message}\n${usage ? "Run with --help for usage.\n" : ""}`
        : `paycross-conformance: internal error: ${e instanceof Error ? e.stack : String(e)}\n`,
    );
    exit(exitCodeOf(e));
  },
);
