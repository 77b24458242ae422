/**
 * Issue 12's chaos run: 3 worker processes on one PostgresStore, thousands of tasks through the mock
 * gateway with 5% transient faults, a worker SIGKILLed every few seconds and restarted. Every waiter lives
 * in this (client-mode, non-worker) process. Checks: 0 lost, 0 duplicated, 0 wrong outcomes; the takeover
 * time after each kill (database clock), reported as p50/p99 (asserted ≤ TTL + 1 s with CHAOS_STRICT_TAKEOVER=1).
 * The harness is in test/chaos/: setup, workers (+ their trace), submitter, takeover (killer + watcher), report.
 */
import type { ChildProcess } from "node:child_process";
import type { Outcome } from "@paycross/poller";
import { afterAll, describe, expect, it } from "vitest";
import { printProgress, printSummary, printTakeoverSplit } from "./chaos/report.js";
import { openChaos } from "./chaos/setup.js";
import { type Card, submitAll } from "./chaos/submitter.js";
import { newTakeoverLog, startKiller } from "./chaos/takeover.js";
import { newTrace, startWorkers } from "./chaos/workers.js";
import { workerEnv } from "./helpers.js";

// 500 by default to keep the package's tests within minutes on two shared cores; CHAOS_TASKS=5000 for the full run.
const TASKS = Number(process.env.CHAOS_TASKS ?? 500);
const TTL_MS = Number(process.env.CHAOS_TTL_MS ?? 3_000);
const CLAIM_MS = 100;
const KILL_EVERY_MS = 3_000;
const POLICY = {
  initialDelayMs: 100,
  maxDelayMs: 300,
  followUpInitialDelayMs: 100,
  followUpMaxDelayMs: 300,
  minDelayMs: 20,
};
// Room (32) to claim a dead worker's tasks at once even while the slow mock keeps many requests
// waiting; a 5 s fact grace, as a killed worker never comes back.
const WORKER = { ttlMs: TTL_MS, claimMs: CLAIM_MS, concurrency: 32, policy: POLICY, factGraceMs: 5_000 };
const CARDS = ["successful", "failed", "incomplete", "incomplete_failed", "error"] as const satisfies Card[];
const EXPECTED = {
  successful: "completed:successful",
  failed: "completed:failed",
  incomplete: "completed:successful",
  incomplete_failed: "completed:failed",
  error: "failed",
} as const;
const summary = (o: Outcome) => (o.kind === "completed" ? `completed:${o.transaction?.status}` : o.kind);

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  for (const f of cleanups.reverse()) await f();
});

describe("multi-worker chaos on PostgresStore", () => {
  it(
    `${TASKS} tasks, 3 worker processes, one SIGKILLed every ${KILL_EVERY_MS / 1000} s: none lost, duplicated or wrong`,
    async () => {
      const { url, gw, admin, store, storeErrors, front } = await openChaos(cleanups);
      const env = { ...workerEnv(url, gw, WORKER), CHAOS_TRACE: "1" };
      const trace = newTrace();
      const pool = await startWorkers(3, env, trace, children);
      // Submit everything from this process (32 submits in flight), each waiter registered at once.
      const plan = Array.from({ length: TASKS }, (_, i) => CARDS[i % CARDS.length]!);
      const sub = submitAll(front, plan, 32, 240_000);
      const log = newTakeoverLog();
      const killer = startKiller(admin, pool, log, KILL_EVERY_MS);
      const progress = printProgress(admin, sub, storeErrors);
      await sub.submitted;
      console.log(`chaos: ${TASKS} submitted in ${((Date.now() - progress.started) / 1000).toFixed(1)} s`);
      const outcomes = await Promise.all(sub.results);
      await killer.stop();
      progress.stop();
      const seconds = (Date.now() - progress.started) / 1000;

      const wrong = outcomes
        .map((o, i) => ({ i, id: sub.ids[i]!, card: plan[i]!, got: summary(o) }))
        .filter((w) => w.got !== EXPECTED[w.card]);
      // The documented read-once window (below): `unknown` for an error card a killed worker held.
      const inWindow = wrong.filter(
        (w) => w.card === "error" && w.got === "unknown" && log.heldAtKill.has(w.id),
      );
      printTakeoverSplit(trace, log);
      const { resubmits } = sub.counts;
      const gateway = gw.stats.byOperation;
      printSummary({
        tasks: TASKS,
        seconds,
        kills: killer.kills(),
        log,
        lostInFlight: inWindow.length,
        ttlMs: TTL_MS,
        resubmits,
        gateway,
        wrong,
      });

      // 0 lost: every waiter resolved with an outcome, and the store holds it.
      const kinds = outcomes.map((o) => o.kind);
      expect(kinds.filter((k) => k === "timed_out" || k === "aborted")).toEqual([]);
      const { rows } = await admin.query<{ n: string }>(
        "SELECT count(*) AS n FROM paycross.tasks WHERE phase = 'done'",
      );
      expect(Number(rows[0]!.n)).toBe(TASKS);
      // 0 duplicated: one submit per task reached the gateway (plus the resubmits of lost answers, under the
      // same idempotency key; a resubmit whose first attempt never reached the gateway adds nothing there),
      // and no two tasks share an id.
      expect(gateway.createPaymentAsync).toBeGreaterThanOrEqual(TASKS);
      expect(gateway.createPaymentAsync).toBeLessThanOrEqual(TASKS + resubmits);
      expect(new Set(sub.ids).size).toBe(TASKS);
      // 0 wrong: each outcome is the one its test card decides. The one exception is the documented
      // read-once window: a worker SIGKILLed while its request for a read-once (non-200) result was on the
      // wire or not yet stored; the gateway has handed that result out, so `unknown` is the only honest
      // answer for it. It is allowed only for tasks that a killed worker held at the kill, only as `unknown`.
      const outside = wrong.filter((w) => !inWindow.includes(w));
      if (outside.length > 0) {
        const stored = await Promise.all(outside.map((w) => store.get(w.id)));
        console.log(
          "chaos: outside the window, as stored now:",
          JSON.stringify(stored.map((x) => x?.outcome?.kind)),
        );
      }
      expect(outside).toEqual([]);
      expect(killer.kills()).toBeGreaterThan(0);
      // The takeover bound, from the kill: ≤ TTL + 1 s (the "TTL + one poll"). takeover.test.ts
      // asserts step (b) where the workers have room. Here it is reported: expired leases are claimed
      // first, but only when a worker has a free slot, and on two shared cores they all may be busy.
      if (process.env.CHAOS_STRICT_TAKEOVER)
        expect(Math.max(...log.takeovers)).toBeLessThanOrEqual(TTL_MS + 1_000);
    },
    120_000 + TASKS * 300,
  );
});
