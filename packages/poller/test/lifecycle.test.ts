/**
 * The lifecycle transition and `mergeFacts`, without HTTP: the read-once, candidate-5xx and `incomplete`
 * rules, and a property over every interleaving of answers a gateway behind a flaky network can give.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Answer,
  DEFAULT_POLICY,
  mergeFacts,
  mergeFencedFacts,
  next,
  type StoredOutcome,
  type TaskState,
  unknownMustWait,
} from "../src/index.js";

const env = { policy: { ...DEFAULT_POLICY, jitter: 0 }, now: 1_000 };
const base: TaskState = {
  version: 1,
  id: "r1",
  operation: "payment",
  statusUrl: "http://127.0.0.1/async/status/r1",
  responseUrl: "http://127.0.0.1/async/result/r1",
  trackingId: "order-1",
  submittedAt: 0,
  phase: "polling",
  attempt: 0,
};
const paid = { transaction: { uid: "u1", status: "successful" } } as never;
const R = "result" as const;

function run(answers: Answer[], state: TaskState = base) {
  let s = state;
  const actions: string[] = [];
  for (const [i, a] of answers.entries()) {
    const step = next(s, a, { ...env, now: env.now + i });
    s = step.state;
    actions.push(step.action.type);
  }
  return { state: s, actions };
}

describe("next(): the result URL", () => {
  it("a 5xx is kept as a candidate and looked at again (stored first)", () => {
    const { state, action } = next(base, { look: R, type: "server_error", status: 500, body: { m: 1 } }, env);
    expect(state.candidate).toMatchObject({ status: 500, body: { m: 1 } });
    expect(action).toMatchObject({ type: "poll", look: "result", persist: true });
    expect(state.phase).toBe("polling");
  });

  it("a 5xx then 404 unknown: the 5xx was the read-once result", () => {
    const { state } = run([
      { look: R, type: "server_error", status: 500, body: { m: 1 } },
      { look: R, type: "unknown" },
    ]);
    expect(state.outcome).toEqual({ kind: "failed", status: 500, body: { m: 1 } });
  });

  it("a 5xx then 425 then 200: the 5xx was passing, the task completed", () => {
    const { state, actions } = run([
      { look: R, type: "server_error", status: 502, body: null },
      { look: R, type: "processing" },
      { look: R, type: "completed", data: paid },
    ]);
    expect(actions).toEqual(["poll", "poll", "done"]);
    expect(state.outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(state.candidate).toBeUndefined();
  });

  it("a lost answer then 404 asks by tracking_id and ends unknown lost_in_flight", () => {
    const mid = run([
      { look: R, type: "lost", reason: "reset" },
      { look: R, type: "unknown" },
    ]);
    expect(mid.actions).toEqual(["poll", "recover"]);
    const end = next(mid.state, { look: "recovery", type: "recovered", transactions: [] }, env);
    expect(end.state.outcome).toEqual({ kind: "unknown", reason: "lost_in_flight", recovered: [] });
  });

  it("a 4xx result is final at once", () => {
    const { state, action } = next(base, { look: R, type: "error", status: 422, body: { m: 2 } }, env);
    expect(action.type).toBe("done");
    expect(state.outcome).toEqual({ kind: "failed", status: 422, body: { m: 2 } });
  });

  it("incomplete is followed up by uid; only a final status ends it", () => {
    const incomplete = { transaction: { uid: "u1", status: "incomplete" } } as never;
    const { state, actions } = run([
      { look: R, type: "completed", data: incomplete },
      { look: "follow_up", type: "transaction", transaction: { uid: "u1", status: "incomplete" } as never },
      { look: "follow_up", type: "transaction", transaction: { uid: "u1", status: "failed" } as never },
    ]);
    expect(actions).toEqual(["poll", "poll", "done"]);
    expect(state.outcome).toMatchObject({ kind: "completed", transaction: { status: "failed" } });
  });

  it("a confirmed notification never moves a task back and ignores other transactions", () => {
    const incomplete = { transaction: { uid: "u1", status: "incomplete" } } as never;
    const following = next(base, { look: R, type: "completed", data: incomplete }, env).state;
    const tx = (uid: string, status: string) =>
      ({ look: "notification", type: "confirmed", transaction: { uid, status } }) as Answer;
    expect(next(following, tx("u2", "successful"), env).action.type).toBe("ignore");
    expect(next(following, tx("u1", "pending"), env).action.type).toBe("ignore");
    const done = next(following, tx("u1", "successful"), env).state;
    expect(done.outcome).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
    expect(next(done, tx("u1", "failed"), env)).toMatchObject({ action: { type: "ignore" }, state: done });
  });
});

/**
 * A model gateway: the task's true result is a repeatable 200 or a read-once error; the network in front
 * of it may answer a passing 5xx, drop the request, or drop the answer after the gateway handed it out.
 */
type Fault = "none" | "transient5xx" | "dropRequest" | "dropAnswer";
function simulate(truth: { status: number }, readyAfter: number, faults: Fault[]) {
  let consumed = false;
  let s = base;
  let lostRealAnswer = false;
  // A passing 5xx after the real one is indistinguishable from it (same status, same body on the wire).
  let faultAfterReal = false;
  for (let look = 0; look < 500 && s.phase !== "done"; look++) {
    const fault = faults[look % faults.length]!;
    const t = env.now + look;
    if (consumed && fault !== "none") faultAfterReal = true;
    let answer: Answer;
    if (fault === "transient5xx") answer = { look: R, type: "server_error", status: 500, body: "proxy" };
    else if (fault === "dropRequest") answer = { look: R, type: "lost", reason: "refused" };
    else {
      let real: Answer;
      if (look < readyAfter) real = { look: R, type: "processing" };
      else if (truth.status === 200) real = { look: R, type: "completed", data: paid };
      else if (consumed) real = { look: R, type: "unknown" };
      else {
        consumed = true;
        real =
          truth.status >= 500
            ? { look: R, type: "server_error", status: truth.status, body: "real" }
            : { look: R, type: "error", status: truth.status, body: "real" };
      }
      if (fault === "dropAnswer") {
        if (real.type === "error" || real.type === "server_error") lostRealAnswer = true;
        answer = { look: R, type: "lost", reason: "reset" };
      } else answer = real;
    }
    let step = next(s, answer, { ...env, now: t });
    if (step.action.type === "recover")
      step = next(step.state, { look: "recovery", type: "recovered", transactions: [] }, { ...env, now: t });
    s = step.state;
  }
  return { state: s, lostRealAnswer, exact: !lostRealAnswer && !faultAfterReal };
}

describe("property: outcomes are facts over any interleaving of answers", () => {
  it("a 200 result always ends completed; an error result ends failed (with ITS status and body unless a fault followed it), unknown only when its answer was lost", () => {
    const faults = fc.array(fc.constantFrom<Fault>("none", "transient5xx", "dropRequest", "dropAnswer"), {
      minLength: 1,
      maxLength: 12,
    });
    const truth = fc.constantFrom(200, 422, 500, 502, 503, 504).map((status) => ({ status }));
    let runs = 0;
    fc.assert(
      fc.property(
        truth,
        fc.nat(5),
        faults.filter((f) => f.includes("none")),
        (t, ready, f) => {
          runs++;
          const { state, lostRealAnswer, exact } = simulate(t, ready, f);
          const o = state.outcome as StoredOutcome;
          expect(state.phase).toBe("done");
          if (t.status === 200) expect(o).toMatchObject({ kind: "completed" });
          else if (o.kind === "failed" && exact)
            expect(o).toEqual({ kind: "failed", status: t.status, body: "real" });
          else if (o.kind === "failed")
            expect(o.status).toBeGreaterThanOrEqual(400); // failed all the same
          else {
            expect(o.kind).toBe("unknown");
            expect(lostRealAnswer).toBe(true);
          }
        },
      ),
      { numRuns: 2_000 },
    );
    expect(runs).toBe(2_000);
  });
});

describe("mergeFacts", () => {
  const done = (o: StoredOutcome): TaskState => ({ ...base, phase: "done", outcome: o });
  const failed: StoredOutcome = { kind: "failed", status: 422, body: null };
  const completed: StoredOutcome = { kind: "completed", data: paid };
  const unknown: StoredOutcome = { kind: "unknown", reason: "expired_or_already_read", recovered: [] };

  it("first result wins, unknown never overwrites a result, a result upgrades unknown", () => {
    expect(mergeFacts(done(failed), done(completed)).outcome).toEqual(failed);
    expect(mergeFacts(done(completed), done(unknown)).outcome).toEqual(completed);
    expect(mergeFacts(done(unknown), done(failed)).outcome).toEqual(failed);
    expect(mergeFacts(done(failed), { ...base, attempt: 9 }).outcome).toEqual(failed);
    expect(mergeFacts(undefined, base)).toEqual(base);
  });

  it("property: once a result is stored, no sequence of writes changes it or un-finishes the task", () => {
    const state = fc.oneof(
      fc.constant(base),
      fc.nat(20).map((attempt) => ({ ...base, attempt })),
      fc.constantFrom(failed, completed, unknown, { ...failed, status: 500 }).map(done),
    );
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 20 }), (writes) => {
        let stored: TaskState | undefined;
        let firstResult: StoredOutcome | undefined;
        for (const w of writes) {
          stored = mergeFacts(stored, w);
          if (!firstResult && stored.outcome && stored.outcome.kind !== "unknown")
            firstResult = stored.outcome;
          if (firstResult) expect(stored.outcome).toEqual(firstResult);
        }
        const sawOutcome = writes.some((w) => w.outcome);
        if (sawOutcome) expect(stored!.phase).toBe("done");
      }),
      { numRuns: 1_000 },
    );
  });

  it("property: a fenced writer's unknown never becomes the stored outcome, and its other facts are kept", () => {
    const candidate = fc.option(
      fc.record({ status: fc.constantFrom(500, 503, null), receivedAt: fc.nat(5_000) }),
      { nil: undefined },
    );
    const stored = fc.oneof(
      fc.constant(base),
      candidate.map((c) => (c ? { ...base, candidate: c } : base)),
      fc.constantFrom(failed, completed, unknown).map(done),
    );
    fc.assert(
      fc.property(stored, candidate, (before, c) => {
        const incoming: TaskState = { ...done(unknown), ...(c ? { candidate: c } : {}) };
        const merged = mergeFencedFacts(before, incoming);
        if (before.outcome) expect(merged.outcome).toEqual(before.outcome);
        else {
          expect(merged.outcome).toBeUndefined();
          expect(merged.phase).not.toBe("done");
          if (c && c.receivedAt >= (before.answeredAt ?? 0)) expect(merged.candidate).toBeDefined();
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it("unknownMustWait: only a holder's unknown over no stored outcome, before the grace ends", () => {
    expect(unknownMustWait(base, done(unknown), 2_000, 1_000)).toBe(true);
    expect(unknownMustWait(base, done(unknown), 2_000, 2_000)).toBe(false); // grace over
    expect(unknownMustWait(base, done(unknown), null, 1_000)).toBe(false); // released normally
    expect(unknownMustWait(base, done(failed), 2_000, 1_000)).toBe(false); // a result never waits
    expect(unknownMustWait(done(unknown), done(unknown), 2_000, 1_000)).toBe(false); // already stored
  });
});
