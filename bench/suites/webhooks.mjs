// Webhook mode: the mock (own process) POSTs a signed notification to a loopback receiver here when
// each async task completes; the receiver hands it to poller.handleNotification. Reads per task show
// whether polling stood down; the lag is notification received → outcome in the caller's hands.
import { createServer } from "node:http";
import { createPoller } from "@paycross/poller";
import { card, countingClient, lagStats, loopMonitor, paced, SHOP } from "../lib/async-load.mjs";
import { barSpread } from "../lib/plot.mjs";
import { cpuWindow, startMock } from "../lib/proc.mjs";
import { fmt, target } from "../lib/report.mjs";
import { percentile } from "../lib/stats.mjs";

function receiver(onNotification) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const at = performance.now();
      try {
        await onNotification({ headers: req.headers, body: Buffer.concat(chunks) }, at);
        res.writeHead(200).end("OK");
      } catch {
        res.writeHead(401).end(); // a forged or altered notification: the mock retries, nothing resolves
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/paycross`,
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

/** The loopback receiver, handing each notification to the poller; counts what it resolved or refused. */
async function notificationReceiver(poller) {
  const seen = { notifiedAt: new Map(), viaWebhook: 0, rejected: 0 }; // tracking_id → first authentic arrival
  const hook = await receiver(async (input, at) => {
    try {
      const { transaction, resolved } = await poller.handleNotification(input);
      if (transaction.tracking_id && !seen.notifiedAt.has(transaction.tracking_id))
        seen.notifiedAt.set(transaction.tracking_id, at);
      seen.viaWebhook += resolved.length;
    } catch (e) {
      seen.rejected++;
      throw e;
    }
  });
  return { hook, seen };
}

/** One paced task: submit with a notification_url, await the outcome, and measure the lag behind it. */
async function oneTask({ poller, hook, seen, lags, kinds }, i) {
  const tracking_id = `wh-${process.pid}-${Date.now()}-${i}`;
  const request = {
    amount: i + 1,
    currency: "USD",
    description: "bench",
    duplicate_check: false,
    tracking_id,
    notification_url: hook.url,
    credit_card: card,
  };
  const task = await poller.submit("payment", request);
  const outcome = await task.result();
  const done = performance.now();
  kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
  // The notification may arrive just after a poll found the outcome: wait for it (bounded), then
  // measure; a negative lag means polling was first.
  for (let k = 0; k < 100 && !seen.notifiedAt.has(tracking_id); k++)
    await new Promise((r) => setTimeout(r, 20));
  const at = seen.notifiedAt.get(tracking_id);
  lags.push(at === undefined ? Number.NaN : done - at);
  await poller.forget(task.id);
}

async function runLoad(n, perSecond) {
  const mock = await startMock({ DELAY: "uniform:200:5000" });
  const keyRes = await fetch(`${mock.url}/__mock/webhooks`, {
    headers: { authorization: `Basic ${Buffer.from(`${SHOP.shopId}:${SHOP.secretKey}`).toString("base64")}` },
  });
  const { publicKey } = await keyRes.json();
  const { client, counter } = countingClient(mock.url);
  const poller = createPoller({ client, concurrency: 64, webhook: { publicKey } });
  const { hook, seen } = await notificationReceiver(poller);
  const run = { poller, hook, seen, lags: [], kinds: {} };
  const cpu = cpuWindow([mock.pid]);
  const loop = loopMonitor();
  let usage;
  let eventLoop;
  try {
    await paced(n, perSecond, (i) => oneTask(run, i));
  } finally {
    usage = cpu.end();
    eventLoop = loop.end();
    await poller.close();
    await hook.close();
    await mock.stop();
  }
  const { viaWebhook, rejected } = seen;
  return {
    lags: run.lags,
    kinds: run.kinds,
    usage,
    eventLoop,
    viaWebhook,
    rejected,
    reads: counter.reads / n,
  };
}

function lagPlot(measured) {
  const rows = [
    ["p50", percentile(measured, 50)],
    ["p90", percentile(measured, 90)],
    ["p99", percentile(measured, 99)],
    ["max", percentile(measured, 100)],
  ].map(([label, v]) => ({
    label,
    median: Math.max(0, v),
    min: Math.max(0, v),
    max: Math.max(0, v),
    text: `${fmt(v, 1)} ms`,
  }));
  return {
    file: "webhooks-lag.svg",
    title: "Notification to outcome lag",
    spec: barSpread({
      title: "Notification → outcome lag, ms (target: p99 ≤ 50 ms)",
      rows,
      xTitle: "ms",
      ref: 50,
      refLabel: "50 ms",
    }),
  };
}

export async function webhooks({ quick }) {
  const n = quick ? 30 : 500;
  const perSecond = quick ? 30 : 50;
  const { lags, kinds, usage, eventLoop, viaWebhook, rejected, reads } = await runLoad(n, perSecond);
  const measured = lags.filter(Number.isFinite);
  const stats = lagStats(measured);
  const pollFirst = measured.filter((l) => l < 0).length;
  const starved =
    eventLoop.p99Ms > 50
      ? `the machine starved the benchmark (event-loop delay p99 ${fmt(eventLoop.p99Ms)} ms)`
      : undefined;
  return {
    id: "webhooks",
    title: "Webhook mode",
    intro: `${n} async payments with completion times uniform in 0.2–5 s, each with a \`notification_url\` on a loopback receiver in the bench process; the mock signs each notification (RSA-SHA256, \`Content-Signature\`) and the poller is created with the shop's public key (\`webhook: { publicKey }\`). Reads per task are the GET requests the poller's client sent. Lag is from the notification's arrival at the receiver to the outcome in the caller's hands; it is negative when a poll found the outcome first. Poller process ${fmt(usage.selfPercent)}% of a core, mock ${fmt(usage.othersPercent[0])}%; event-loop delay of the bench process p99 ${fmt(eventLoop.p99Ms, 1)} ms.`,
    tables: [
      {
        head: [
          "reads/task",
          "resolved by a notification",
          "polling first",
          "lag p50 ms",
          "lag p99 ms",
          "notifications rejected",
          "outcomes",
        ],
        rows: [
          [
            fmt(reads, 2),
            `${viaWebhook} of ${n}`,
            pollFirst,
            fmt(stats.p50, 1),
            fmt(stats.p99, 1),
            rejected,
            Object.entries(kinds)
              .map(([k, v]) => `${v} ${k}`)
              .join(", "),
          ],
        ],
        plots: [lagPlot(measured)],
      },
    ],
    targets: [
      target("reads per task ≤ 1.05 with notifications on", {
        value: reads,
        ok: reads <= 1.05,
        shown: fmt(reads, 2),
        // A starved poller looks late, when most tasks are done: a low count may be for the wrong reason.
        reason: starved && reads <= 1.05 ? `${starved}; measured ${fmt(reads, 2)}` : undefined,
      }),
      target("p99 lag from notification to outcome ≤ 50 ms", {
        value: stats.p99,
        ok: stats.p99 <= 50 && measured.length === n,
        shown: `${fmt(stats.p99, 1)} ms (p99 of ${measured.length} tasks with a notification; max ${fmt(percentile(measured, 100), 1)} ms)`,
        // A lag of milliseconds cannot be judged while the machine delays this process's event loop by more.
        // A lag well past the event loop's own delay is the poller's, starved or not.
        reason:
          starved && stats.p99 <= 50 + eventLoop.maxMs
            ? `${starved}; measured ${fmt(stats.p99, 1)} ms`
            : undefined,
      }),
    ],
    checks: {
      broken:
        (kinds.completed ?? 0) !== n
          ? `${n - (kinds.completed ?? 0)} webhook-mode tasks did not complete`
          : undefined,
    },
    data: { reads, lags: stats, viaWebhook, pollFirst, rejected },
  };
}
