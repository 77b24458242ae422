// 3. Poller efficiency: N async tasks whose completion times are uniform in 0.2–5 s (derived from the
// amount, so both sides know each task's completion time), polled by @paycross/poller and by a naive
// fixed-interval poller at the same mean detection lag. The gateway runs in another process, so the RSS
// measured here is the poller's.
import { createClient } from "@paycross/client";
import { createPoller } from "@paycross/poller";
import { fmt, percentile, startChild, table } from "./lib.mjs";

const MIN = 200;
const MAX = 5_000;
const delayOf = (amount) => MIN + ((amount * 7919) % (MAX - MIN + 1));
const card = { number: "4200000000000000", verification_value: "123", exp_month: "05", exp_year: "2030" };

async function stats(url, client) {
  const res = await fetch(`${url}/__mock/stats`, {
    headers: { authorization: `Basic ${Buffer.from("361:mock-secret-key-361").toString("base64")}` },
  });
  void client;
  return (await res.json()).byOperation;
}

async function submitAll(client, n, onTask) {
  const WAVE = 250;
  for (let i = 0; i < n; i += WAVE) {
    await Promise.all(
      Array.from({ length: Math.min(WAVE, n - i) }, async (_, j) => {
        const amount = 1 + i + j;
        const t0 = Date.now();
        const task = await client.async.payments.create(
          { amount, currency: "USD", description: "bench", duplicate_check: false, credit_card: card },
          { maxRetries: 3 },
        );
        onTask(task, amount, t0);
      }),
    );
  }
}

async function runPoller(url, n) {
  const client = createClient({ shopId: 361, secretKey: "mock-secret-key-361", baseUrl: url });
  const poller = createPoller({ client, concurrency: 64 });
  const before = await stats(url);
  const lags = [];
  const seen = new Map();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  const waits = [];
  await submitAll(
    { async: { payments: { create: (r, o) => poller.submit("payment", r, o) } } },
    n,
    (task, amount, t0) => {
      waits.push(
        task.result().then(async (o) => {
          seen.set(o.state.id, (seen.get(o.state.id) ?? 0) + 1);
          // As an application does once it has acted on the outcome.
          await poller.forget(o.state.id);
          if (o.kind === "completed") lags.push(Date.now() - (t0 + delayOf(amount)));
          else seen.set(`bad:${o.kind}`, 1);
        }),
      );
    },
  );
  await Promise.all(waits);
  clearInterval(sampler);
  await poller.close();
  const after = await stats(url);
  const reads =
    (after.getAsyncResult ?? 0) +
    (after.getAsyncStatus ?? 0) -
    (before.getAsyncResult ?? 0) -
    (before.getAsyncStatus ?? 0);
  const duplicates = [...seen.values()].filter((v) => v > 1).length;
  const lost = n - [...seen.keys()].filter((k) => !k.startsWith("bad:")).length;
  return {
    lags,
    requestsPerTask: reads / n,
    peakRss,
    baseRss,
    peakHeap,
    duplicates,
    lost,
    bad: [...seen.keys()].filter((k) => k.startsWith("bad:")),
  };
}

async function runNaive(url, n, intervalMs) {
  const client = createClient({ shopId: 361, secretKey: "mock-secret-key-361", baseUrl: url });
  const before = await stats(url);
  const lags = [];
  const waits = [];
  await submitAll(client, n, (task, amount, t0) => {
    waits.push(
      (async () => {
        for (;;) {
          await new Promise((r) => setTimeout(r, intervalMs));
          const r = await client.async.result(task.response_url).catch(() => ({ state: "processing" }));
          if (r.state !== "processing") {
            lags.push(Date.now() - (t0 + delayOf(amount)));
            return;
          }
        }
      })(),
    );
  });
  await Promise.all(waits);
  const after = await stats(url);
  const reads = (after.getAsyncResult ?? 0) - (before.getAsyncResult ?? 0);
  return { lags, requestsPerTask: reads / n };
}

/** Runs in a child process of its own, so that the peak RSS is the poller's and nothing else's. */
export async function pollerEfficiency({ quick }) {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [new URL(import.meta.url).pathname, "--child", ...(quick ? ["--quick"] : [])],
    {
      maxBuffer: 16 * 2 ** 20,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop());
}

async function measure({ quick }) {
  const n = quick ? 300 : 10_000;
  const mock = await startChild(process.execPath, [new URL("./servers/mock.mjs", import.meta.url).pathname], {
    DELAY: `uniform:${MIN}:${MAX}`,
  });
  try {
    const ours = await runPoller(mock.url, n);
    const meanLag = ours.lags.reduce((a, b) => a + b, 0) / ours.lags.length;
    // A fixed interval I has a mean detection lag of about I/2: give the naive poller the same mean lag.
    const interval = Math.max(50, Math.round(2 * meanLag));
    const naive = await runNaive(mock.url, n, interval);
    const naiveMean = naive.lags.reduce((a, b) => a + b, 0) / naive.lags.length;
    const cap = 1_000;
    const p99 = percentile(ours.lags, 99);
    const ratio = ours.requestsPerTask / naive.requestsPerTask;
    const rows = [
      [
        "@paycross/poller (defaults: 500 ms first, ×2, cap 1 s, ±20%)",
        fmt(ours.requestsPerTask, 2),
        fmt(meanLag),
        fmt(percentile(ours.lags, 50)),
        fmt(p99),
        `${fmt(ours.peakRss / 2 ** 20, 0)} MB`,
      ],
      [
        `naive fixed interval ${interval} ms`,
        fmt(naive.requestsPerTask, 2),
        fmt(naiveMean),
        fmt(percentile(naive.lags, 50)),
        fmt(percentile(naive.lags, 99)),
        "-",
      ],
    ];
    return {
      title: "Poller efficiency",
      text: [
        `${fmt(n)} async payments whose completion times are uniform in ${MIN}–${MAX} ms, against the mock gateway in another process. Requests per task count status and result reads at the gateway (the minimum is 1); lag is completion → outcome in the caller's hands.`,
        "",
        table(["poller", "reads/task", "mean lag ms", "p50 lag ms", "p99 lag ms", "peak RSS"], rows),
        "",
        `- Target: p99 lag ≤ 1.5 s + the backoff cap (${cap} ms) = ${1500 + cap} ms: **${fmt(p99)} ms**: ${p99 <= 1500 + cap ? "met" : "missed"}.`,
        `- Target: reads per task ≤ 1.5× the naive poller's at equal mean lag: **${fmt(ratio, 2)}×**: ${ratio <= 1.5 ? "met" : "missed"}.`,
        `- Target: peak RSS < 200 MB: **${fmt(ours.peakRss / 2 ** 20)} MB** for the whole poller process (${fmt(ours.baseRss / 2 ** 20)} MB before the first task; peak V8 heap ${fmt(ours.peakHeap / 2 ** 20)} MB): ${ours.peakRss < 200 * 2 ** 20 ? "met" : "missed"}.`,
        `- Target: zero lost or duplicated outcomes: lost ${ours.lost}, duplicated ${ours.duplicates}, not completed ${ours.bad.length}: ${ours.lost === 0 && ours.duplicates === 0 && ours.bad.length === 0 ? "met" : "missed"}.`,
      ].join("\n"),
      checks: {
        lost: ours.lost,
        duplicates: ours.duplicates,
        bad: ours.bad.length,
        p99,
        ratio,
        peakRss: ours.peakRss,
      },
    };
  } finally {
    await mock.stop();
  }
}

if (process.argv.includes("--child")) {
  const result = await measure({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
