// A network-free simulation of polling schedules on the poller benchmark's task sets: the same
// completion times (lib/delays.mjs), a fixed cost per look, reads per task and lag percentiles. It is how
// bench/README.md derives the poller's defaults; `node bench/lib/policy-sim.mjs` prints its table.
import { fileURLToPath } from "node:url";
import { delayFunction } from "./delays.mjs";
import { percentile } from "./stats.mjs";

/** Polls tasks 1..n with `nextDelay(attempt, elapsedMs, random)`; each look costs `lookMs`. */
export function simulate(spec, nextDelay, { n = 20_000, lookMs = 3 } = {}) {
  const delayOf = delayFunction(spec);
  const lags = [];
  let reads = 0;
  let seed = 1; // a fixed Lehmer generator: the same jitter draws on every run
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 1; i <= n; i++) {
    const done = delayOf(i);
    let t = lookMs; // the submit
    for (let k = 0; ; k++) {
      t += nextDelay(k, t, random);
      reads++;
      if (t >= done) break;
      t += lookMs;
    }
    lags.push(t - done + lookMs);
  }
  return { reads: reads / n, p50: percentile(lags, 50), p99: percentile(lags, 99) };
}

export const SPECS = { uniform: "uniform:200:5000", heavy: "lognormal:1000:60000:120000" };

async function main() {
  const { DEFAULT_POLICY, pollDelay } = await import("@paycross/poller");
  const { naiveAt } = await import("../suites/poller-policy.mjs");
  // `t` is the simulated task's real age (looks and their cost included): the poller passes the same.
  const policy = (p) => (k, t, random) =>
    pollDelay({ ...DEFAULT_POLICY, ...p }, k, "polling", { random, ageMs: t });
  const schedules = {
    "poller defaults": policy({}),
    "defaults, tailGrowth 0 (cap forever)": policy({ tailGrowth: 0 }),
    "defaults, tailAfterMs 45 s": policy({ tailAfterMs: 45_000 }),
    "first look 0.5 s, ±20% jitter on every gap (before issue 16)": (k, _t, random) =>
      Math.min(1000, 500 * 2 ** k) * (0.8 + 0.4 * random()),
    "geometric from 200 ms, ×1.5": (k) => 200 * 1.5 ** k,
  };
  for (const [name, spec] of Object.entries(SPECS)) {
    const naive = [250, 500, 750, 1000, 1500, 2000, 4000, 8000].map((ms) => simulate(spec, () => ms));
    console.log(
      `\n${name} (${spec}); naive: ${naive.map((r, i) => `${[250, 500, 750, 1000, 1500, 2000, 4000, 8000][i]} ms ${r.reads.toFixed(2)} reads p99 ${r.p99.toFixed(0)}`).join("; ")}`,
    );
    for (const [label, next] of Object.entries(schedules)) {
      const r = simulate(spec, next);
      const equal = naiveAt(naive, r.reads);
      console.log(
        `  ${label}: ${r.reads.toFixed(2)} reads/task, p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms; naive at equal reads ${equal.toFixed(0)} ms (${(r.p99 / equal).toFixed(3)}×)`,
      );
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
