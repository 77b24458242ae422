/** What every check gets: the target, the contract, the profile, and a way to record results. */
import { randomUUID } from "node:crypto";
import type { Contract } from "@paycross/spec";
import { type CheckId, suiteOf } from "./checks/catalog.js";
import {
  type Answer,
  BudgetExceeded,
  type Exchanger,
  type SendOptions,
  sleep,
  TransportFailure,
} from "./http.js";
import type { Profile } from "./profile.js";
import { isSelected, type SelectionInput } from "./selection.js";
import type { CheckResult, Exchange, ResultStatus } from "./types.js";

type Extra = Omit<Partial<CheckResult>, "check" | "suite" | "status" | "exchange"> & {
  exchange?: Exchange | undefined;
};

export type Outcome = keyof Profile["cards"];

export class Context {
  readonly results: CheckResult[] = [];
  /** What each running scenario is waiting for, by label: reported when the run's budget runs out. */
  readonly waiting = new Set<string>();
  private seq = 0;
  private readonly runId = randomUUID().slice(0, 8);

  constructor(
    readonly http: Exchanger,
    readonly contract: Contract,
    readonly profile: Profile,
    readonly embedded: boolean,
    private readonly selection: SelectionInput,
    private readonly onResult: (r: CheckResult) => void,
    /** Aborted when the run's --max-duration is spent. */
    readonly signal: AbortSignal,
  ) {}

  /** Whether a check was selected by --suite/--check/--skip. */
  selected(check: CheckId): boolean {
    return isSelected(check, this.selection);
  }

  record(check: CheckId, status: ResultStatus, extra: Extra = {}): void {
    if (!this.selected(check)) return;
    const { exchange, ...rest } = extra;
    const result: CheckResult = {
      check,
      suite: suiteOf(check),
      status,
      durationMs: extra.durationMs ?? exchange?.durationMs ?? 0,
      ...rest,
      ...(exchange ? { exchange } : {}),
    };
    this.results.push(result);
    this.onResult(result);
  }

  pass(check: CheckId, extra: Extra = {}) {
    this.record(check, "passed", extra);
  }
  fail(check: CheckId, message: string, extra: Extra = {}) {
    this.record(check, "failed", { ...extra, message });
  }
  notApplicable(check: CheckId, message: string, extra: Extra = {}) {
    this.record(check, "not_applicable", { ...extra, message });
  }
  info(check: CheckId, message: string, extra: Extra = {}) {
    this.record(check, "info", { ...extra, message });
  }
  /** Passes or fails one check on a condition. */
  expect(check: CheckId, ok: boolean, message: string, extra: Extra = {}) {
    ok ? this.pass(check, extra) : this.fail(check, message, extra);
  }

  /**
   * Sends a request for a check. No answer ends the scenario (`Skip`): a timeout is named by
   * `contract.response_time` where it happened, any other network failure fails the check itself,
   * named as what it is (DNS, refused, reset), never as a server error.
   */
  async send(check: CheckId, opts: SendOptions, operation?: string): Promise<Answer> {
    try {
      return await this.http.send({ ...opts, ...(operation ? { operation } : {}) });
    } catch (e) {
      if (!(e instanceof TransportFailure)) throw e;
      const where = { exchange: e.exchange, ...(operation ? { operation } : {}) };
      if (e.exchange.timedOut && this.selected("contract.response_time"))
        this.notApplicable(check, `${e.message}; contract.response_time names this hang`, where);
      else this.fail(check, e.message, where);
      throw new Skip(e.message);
    }
  }

  /** Marks what a scenario waits for while `fn` runs. */
  async waitingFor<T>(label: string, fn: () => Promise<T>): Promise<T> {
    this.waiting.add(label);
    try {
      return await fn();
    } finally {
      this.waiting.delete(label);
    }
  }

  amount(): number {
    const [min, max] = this.profile.amountRange;
    return min + (this.seq++ % (max - min + 1));
  }

  trackingId(label: string): string {
    return `conformance-${this.runId}-${label}-${this.seq++}`;
  }

  card(outcome: Outcome = "successful") {
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
  payment(outcome: Outcome = "successful", extra: Record<string, unknown> = {}) {
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
  async pay(check: CheckId, outcome: Outcome, extra: Record<string, unknown> = {}) {
    const answer = await this.send(
      check,
      { method: "POST", path: "/transactions/payments", body: { request: this.payment(outcome, extra) } },
      "createPayment",
    );
    return { answer, transaction: transactionOf(answer) };
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal);
  }

  /** The interval between two polls of an async task on this target. */
  get pollIntervalMs(): number {
    return this.embedded ? 25 : 500;
  }
}

export type Tx = { uid?: string; status?: string; type?: string; amount?: number };

export function transactionOf(answer: Answer): Tx | undefined {
  const tx = (answer.json as { transaction?: unknown } | undefined)?.transaction;
  return tx && typeof tx === "object" ? (tx as Tx) : undefined;
}

/** Thrown to abandon the rest of a scenario after its failure was recorded. */
export class Skip extends Error {}

/** Runs one scenario; a Skip (its failure already recorded) or the spent run budget ends only it. */
export async function scenario(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Skip) && !(e instanceof BudgetExceeded)) throw e;
  }
}
