// Async-task load shared by the poller benchmarks: a client whose reads are counted at the transport,
// a paced submitter, and lag/reads statistics.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createClient, nodeTransport } from "@paycross/client";
import { percentile, spread } from "./stats.mjs";

export const SHOP = { shopId: 361, secretKey: "mock-secret-key-361" };
export const card = {
  number: "4200000000000000",
  verification_value: "123",
  exp_month: "05",
  exp_year: "2030",
};

/** A client whose GET requests (status and result reads, status queries) are counted in `counter.reads`. */
export function countingClient(baseUrl, extra = {}) {
  const inner = nodeTransport();
  const counter = { reads: 0, submits: 0 };
  const transport = (req) => {
    if (req.method === "GET") counter.reads++;
    else counter.submits++;
    return inner(req);
  };
  return { client: createClient({ ...SHOP, baseUrl, transport, ...extra }), counter };
}

/** Calls `submitOne(i)` for i in [0, n) at `perSecond`, without waiting for earlier ones; resolves when all were sent. */
export async function paced(n, perSecond, submitOne) {
  const started = performance.now();
  const sent = [];
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(submitOne(i));
  }
  return Promise.all(sent);
}

/** Lag samples → p50/p99 with the spread of p99 over 5 interleaved sub-samples (task i in sub-sample i mod 5). */
export function lagStats(lags) {
  const subs = Array.from({ length: 5 }, (_, k) => lags.filter((_, i) => i % 5 === k));
  return {
    n: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags.length ? Math.max(...lags) : Number.NaN,
    p99Spread: spread(subs.map((s) => percentile(s, 99))),
  };
}

/** Event-loop delay of this process over a run (a saturated process shows it first). */
export function loopMonitor() {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    end() {
      h.disable();
      return { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
    },
  };
}
