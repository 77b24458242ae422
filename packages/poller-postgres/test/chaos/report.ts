/** The chaos run's printed figures: progress every 10 s, the takeover split, and the summary line. */
import type pg from "pg";
import type { Submission } from "./submitter.js";
import type { TakeoverLog } from "./takeover.js";
import { busyAt, claimsIn, type Trace } from "./workers.js";

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/** Prints progress every 10 s; `started` is the run's start (epoch ms), `stop` ends the printing. */
export function printProgress(admin: pg.Client, sub: Submission, storeErrors: string[]) {
  const progress = setInterval(async () => {
    const { rows } = await admin.query("SELECT phase, count(*)::int AS n FROM paycross.tasks GROUP BY phase");
    console.log(
      `chaos progress at ${((Date.now() - started) / 1000).toFixed(0)} s: submitted ${sub.counts.next}, resolved ${sub.counts.resolved}, ` +
        `store ${JSON.stringify(rows)}, read errors ${storeErrors.length} ${storeErrors.slice(-1)}`,
    );
  }, 10_000);
  const started = Date.now();
  return { started, stop: () => clearInterval(progress) };
}

/**
 * Step (c) of each takeover, by the new holder (owner "<host>:<pid>:<uuid>", as the watcher saw it); the
 * claim's database clock and the worker's Date.now() are this host's clock (a few ms of slack).
 */
function claimToRequest(trace: Trace, steps: TakeoverLog["steps"]): number[] {
  const toRequest = steps.map((s) =>
    // Released already (owner unknown): the first request by any worker after the claim.
    (s.owner
      ? (trace.requests.get(`${s.id}:${s.owner.split(":").at(-2)}`) ?? [])
      : [...trace.requests].flatMap(([k, v]) => (k.startsWith(`${s.id}:`) ? v : [])).sort((x, y) => x - y)
    ).find((t) => t >= s.claimedAt - 5),
  );
  return toRequest.flatMap((t, i) => (t === undefined ? [] : [t - steps[i]!.claimedAt]));
}

const split = (name: string, xs: number[]) =>
  `${name} p50 ${percentile(xs, 50)} / p99 ${percentile(xs, 99)} / max ${Math.max(...xs)} ms`;

/** Prints the takeover split (a)/(b)/(c) and what the slowest (b) steps met. Sorts `log.steps` by (b), slowest first. */
export function printTakeoverSplit(trace: Trace, log: TakeoverLog) {
  const { steps, lateRows } = log;
  const c = claimToRequest(trace, steps);
  const a = split(
    "(a) kill→expiry",
    steps.map((s) => s.a),
  );
  const b = split(
    "(b) expiry→claim",
    steps.map((s) => s.b),
  );
  steps.sort((x, y) => y.b - x.b);
  const slowest = steps.slice(0, 3);
  const median = steps[steps.length >> 1]!;
  console.log(
    `chaos takeover split (${steps.length} takeovers, ${c.length} with a traced request): ` +
      `${a}; ${b}; ${split("(c) claim→request", c)}; slowest (b) [kill, ms]: ` +
      JSON.stringify(steps.slice(0, 8).map((s) => [s.kill, s.b])) +
      `; busy slots by worker pid at the 3 slowest expiries: ${JSON.stringify(slowest.map((s) => busyAt(trace, s.claimedAt - s.b)))}` +
      `; claims by worker pid (count, longest ms, least room) between expiry and claim, 3 slowest: ${JSON.stringify(slowest.map((s) => claimsIn(trace, s.claimedAt - s.b, s.claimedAt)))}` +
      `; unclaimed 1 s after expiry: ${lateRows.length} tasks, ${lateRows.filter((r) => r.locked).length} row-locked, ` +
      `${lateRows.filter((r) => r.dueAfterExpiryMs > 0).length} due after their expiry (max ${Math.max(0, ...lateRows.map((r) => r.dueAfterExpiryMs))} ms), ` +
      `${lateRows.filter((r) => r.ownerChanged).length} with another owner` +
      `, at the median one: ${JSON.stringify(busyAt(trace, median.claimedAt - median.b))}`,
  );
}

/** Prints the run's summary line. */
export function printSummary(o: {
  tasks: number;
  seconds: number;
  kills: number;
  log: TakeoverLog;
  lostInFlight: number;
  ttlMs: number;
  resubmits: number;
  gateway: unknown;
  wrong: unknown[];
}) {
  const t = o.log.takeovers;
  console.log(
    `chaos: ${o.tasks} tasks in ${o.seconds.toFixed(1)} s (${(o.tasks / o.seconds).toFixed(0)} tasks/s), ${o.kills} kills, ` +
      `${o.log.heldAtKill.size} tasks held by killed workers, ${o.lostInFlight} read-once results lost in flight (unknown), ` +
      `${t.length} tasks taken over: p50 ${percentile(t, 50)} ms, p99 ${percentile(t, 99)} ms, max ${Math.max(...t)} ms (TTL ${o.ttlMs} ms); ` +
      `${o.resubmits} resubmits, gateway ${JSON.stringify(o.gateway)}, wrong ${JSON.stringify(o.wrong.slice(0, 5))}`,
  );
}
