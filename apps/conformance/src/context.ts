/** What every check gets: the target, the contract, the profile, and a way to record results. */
import { randomUUID } from "node:crypto";
import type { Contract } from "@paycross/spec";
import type { Answer, Exchanger, SendOptions } from "./http.js";
import { TransportFailure } from "./http.js";
import type { Profile } from "./profile.js";
import type { CheckResult, Exchange, ResultStatus, SuiteName } from "./types.js";

export interface Selection {
  suites?: Set<string>;
  checks?: Set<string>;
  skip?: Set<string>;
}

export class Context {
  readonly results: CheckResult[] = [];
  private seq = 0;
  private readonly runId = randomUUID().slice(0, 8);

  constructor(
    readonly http: Exchanger,
    readonly contract: Contract,
    readonly profile: Profile,
    readonly embedded: boolean,
    private readonly selection: Selection,
    private readonly onResult: (r: CheckResult) => void,
  ) {}

  /** Whether a check was selected by --suite/--check/--skip. */
  selected(check: string): boolean {
    const suite = check.split(".")[0]!;
    if (this.selection.skip?.has(check) || this.selection.skip?.has(suite)) return false;
    if (this.selection.checks?.size) return this.selection.checks.has(check);
    if (this.selection.suites?.size) return this.selection.suites.has(suite);
    return true;
  }

  record(
    check: string,
    status: ResultStatus,
    extra: Omit<Partial<CheckResult>, "check" | "suite" | "status"> & {
      exchange?: Exchange | undefined;
    } = {},
  ): void {
    if (!this.selected(check)) return;
    const result: CheckResult = {
      check,
      suite: check.split(".")[0] as SuiteName,
      status,
      durationMs: extra.durationMs ?? extra.exchange?.durationMs ?? 0,
      ...extra,
    } as CheckResult;
    this.results.push(result);
    this.onResult(result);
  }

  pass(check: string, extra: Parameters<Context["record"]>[2] = {}) {
    this.record(check, "passed", extra);
  }
  fail(check: string, message: string, extra: Parameters<Context["record"]>[2] = {}) {
    this.record(check, "failed", { ...extra, message });
  }
  notApplicable(check: string, message: string, extra: Parameters<Context["record"]>[2] = {}) {
    this.record(check, "not_applicable", { ...extra, message });
  }
  /** Passes or fails one check on a condition. */
  expect(check: string, ok: boolean, message: string, extra: Parameters<Context["record"]>[2] = {}) {
    ok ? this.pass(check, extra) : this.fail(check, message, extra);
  }

  /** Sends a request; a network failure is recorded against `check` and rethrown as `Skip`. */
  async send(check: string, opts: SendOptions, operation?: string): Promise<Answer> {
    try {
      return await this.http.send(opts);
    } catch (e) {
      if (e instanceof TransportFailure) {
        this.fail(check, e.message, { exchange: e.exchange, ...(operation ? { operation } : {}) });
        throw new Skip(e.message);
      }
      throw e;
    }
  }

  amount(): number {
    const [min, max] = this.profile.amountRange;
    return min + (this.seq++ % (max - min + 1));
  }

  trackingId(label: string): string {
    return `conformance-${this.runId}-${label}-${this.seq++}`;
  }

  card(outcome: keyof Profile["cards"] = "successful") {
    const number = this.profile.cards[outcome];
    return number
      ? {
          number,
          verification_value: this.profile.cvv,
          holder: "Conformance Test",
          exp_month: this.profile.expMonth,
          exp_year: this.profile.expYear,
        }
      : undefined;
  }

  /** A payment-shaped request: always `test: true`, a small fresh amount, no duplicate check. */
  payment(outcome: keyof Profile["cards"] = "successful", extra: Record<string, unknown> = {}) {
    return {
      amount: this.amount(),
      currency: this.profile.currency,
      description: "PayCross conformance check",
      tracking_id: this.trackingId(outcome),
      test: true,
      duplicate_check: false,
      credit_card: this.card(outcome),
      ...extra,
    };
  }

  /** A sync payment for a scenario; its transaction (if any) comes back parsed. */
  async pay(check: string, outcome: keyof Profile["cards"], extra: Record<string, unknown> = {}) {
    const answer = await this.send(
      check,
      { method: "POST", path: "/transactions/payments", body: { request: this.payment(outcome, extra) } },
      "createPayment",
    );
    const transaction = (answer.json as { transaction?: { uid?: string; status?: string } } | undefined)
      ?.transaction;
    return { answer, transaction };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  /** The interval between two polls of an async task on this target. */
  get pollIntervalMs(): number {
    return this.embedded ? 25 : 500;
  }
}

/** Thrown to abandon the rest of a scenario after its failure was recorded. */
export class Skip extends Error {}
