// Scale in one process: 100,000 pending tasks on a FileStore (peak RSS of the poller's own process),
// CPU µs per submit, per store write and per poll. Runs in a child process so that the RSS is the
// poller's alone; the mock runs in a third process and keeps every task pending (completion in 1 h).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPoller, FileStore } from "@paycross/poller";
import { card, countingClient } from "../lib/async-load.mjs";
import { barSpread } from "../lib/plot.mjs";
import { selfCpuMicros, startMock } from "../lib/proc.mjs";
import { fmt, target } from "../lib/report.mjs";

const MB = 2 ** 20;

/** Wraps a store so that its writes are counted (the poller sees an ordinary TaskStore). */
function counted(store) {
  const c = { puts: 0 };
  return {
    c,
    store: {
      put: (s) => {
        c.puts++;
        return store.put(s);
      },
      get: (id) => store.get(id),
      list: () => store.list(),
      delete: (id) => store.delete(id),
      close: () => store.close(),
    },
  };
}

async function parallel(n, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const request = (i) => ({
  amount: i + 1,
  currency: "USD",
  description: "bench",
  duplicate_check: false,
  credit_card: card,
});

/** 1. n pending tasks on a FileStore; the first poll is an hour away, so none is polled here. */
async function holdPending({ mock, dir, n, quick, peak }) {
  const baseRss = process.memoryUsage().rss;
  const file = join(dir, "tasks.jsonl");
  const { store, c } = counted(await FileStore.open(file));
  const { client } = countingClient(mock.url);
  const poller = createPoller({
    client,
    store,
    concurrency: 64,
    policy: { initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
  });
  // Submitting through HTTP costs ~1 ms of CPU each here, so `real` tasks go through the mock and the
  // rest are resumed from states of the same shape (request ids the mock never issued; no task is
  // polled before the run ends). Every task has a waiter, as when an application awaits it.
  const real = Math.min(n, quick ? 500 : 2_000);
  const handles = [];
  const waits = [];
  let cpu0 = selfCpuMicros();
  await parallel(real, 64, async (i) => {
    handles.push(await poller.submit("payment", request(i)));
  });
  const cpuPerSubmit = (selfCpuMicros() - cpu0) / real;
  const template = handles[0].state;
  cpu0 = selfCpuMicros();
  const t0 = performance.now();
  await parallel(n - real, 64, async (i) => {
    const id = `${template.id.slice(0, -12)}${String(i).padStart(12, "0")}`;
    const state = {
      ...template,
      id,
      statusUrl: template.statusUrl.replace(template.id, id),
      responseUrl: template.responseUrl.replace(template.id, id),
      submittedAt: Date.now(),
    };
    handles.push(await poller.resume(state));
  });
  const submitSeconds = (performance.now() - t0) / 1000;
  const cpuPerResume = (selfCpuMicros() - cpu0) / (n - real);
  for (const h of handles) waits.push(h.result());
  await new Promise((r) => setTimeout(r, 2_000)); // held: n tasks pending, each awaited
  const pendingRss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  // The target's figure: the peak while the tasks were created and held. The measurements that follow
  // (20,000 re-writes in flight, a second poller) add their own garbage; their peak is reported apart.
  const holdPeakRss = Math.max(peak.rss, pendingRss);
  const figures = { real, cpuPerResume, baseRss, pendingRss, holdPeakRss, heap, submitSeconds, cpuPerSubmit };
  return { figures, file, store, poller, handles, waits, putsPerSubmit: c.puts / n }; // submits and resumes
}

/** 2. Store writes alone: a pending state re-written (as a poll that learns "still processing" does). */
async function measureWrites({ store, handles, file, n }) {
  const states = handles.slice(0, Math.min(n, 20_000)).map((h) => h.state);
  const cpu0 = selfCpuMicros();
  const t0 = performance.now();
  await parallel(states.length, 64, (i) => store.put(states[i]));
  const cpuPerWrite = (selfCpuMicros() - cpu0) / states.length;
  const writesPerSecond = states.length / ((performance.now() - t0) / 1000);
  return { cpuPerWrite, writesPerSecond, fileMb: statSync(file).size / MB };
}

/** 3. Polls: a poller over a FileStore whose tasks stay pending, polled every ~250 ms for a few seconds. */
async function measurePolls({ mock, dir, quick }) {
  const { store: pollStore, c: pc } = counted(await FileStore.open(join(dir, "poll.jsonl")));
  const { client: pollClient, counter } = countingClient(mock.url);
  const pollPoller = createPoller({
    client: pollClient,
    store: pollStore,
    concurrency: 64,
    policy: { initialDelayMs: 250, maxDelayMs: 250, multiplier: 1 },
  });
  const m = quick ? 200 : 500;
  const pollWaits = [];
  await parallel(m, 32, async (i) => {
    pollWaits.push((await pollPoller.submit("payment", request(i))).result());
  });
  await new Promise((r) => setTimeout(r, 1_000)); // every task has been polled at least once
  const reads0 = counter.reads;
  const puts0 = pc.puts;
  const cpu0 = selfCpuMicros();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, quick ? 1_500 : 5_000));
  const polls = counter.reads - reads0;
  const cpuPerPoll = (selfCpuMicros() - cpu0) / polls;
  const pollsPerSecond = polls / ((performance.now() - t0) / 1000);
  const writesPerPoll = (pc.puts - puts0) / polls;
  await pollPoller.close();
  await Promise.all(pollWaits);
  return { m, cpuPerPoll, pollsPerSecond, writesPerPoll };
}

async function measure(quick) {
  const n = quick ? 2_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), "paycross-scale-"));
  const mock = await startMock({ DELAY: "fixed:3600000" });
  const peak = { rss: process.memoryUsage().rss };
  const sampler = setInterval(() => {
    peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
  }, 100);
  try {
    const held = await holdPending({ mock, dir, n, quick, peak });
    const writes = await measureWrites({ ...held, n });
    await held.poller.close();
    await Promise.all(held.waits); // released as `aborted` by close()
    const polls = await measurePolls({ mock, dir, quick });
    return { n, ...held.figures, putsPerSubmit: held.putsPerSubmit, ...writes, ...polls, peakRss: peak.rss };
  } finally {
    clearInterval(sampler);
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function scale({ quick }) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", ...(quick ? ["--quick"] : [])],
    { maxBuffer: 16 * MB, timeout: 480_000 },
  );
  const r = JSON.parse(stdout.trim().split("\n").pop());
  return {
    id: "scale",
    title: "Scale in one process",
    intro: `${fmt(r.n)} pending async payments in one poller on a \`FileStore\`, each with a caller awaiting \`result()\`: ${fmt(r.real)} submitted through the mock (which keeps them pending), the rest resumed from states of the same shape (HTTP submits cost about 1 ms of CPU each on this machine, which would make the run long without changing what is held); the first poll is an hour away, so none is polled; the poller runs in a process of its own, so the RSS is its own (sampled every 100 ms). Store writes: ${fmt(Math.min(r.n, 20_000))} re-writes of pending states, 64 in flight (group commit with fdatasync). Polls: ${r.m} pending tasks polled every 250 ms on a FileStore, CPU over a steady window.`,
    tables: [
      {
        head: ["measure", "value"],
        rows: [
          ["pending tasks", fmt(r.n)],
          [
            "RSS before / all pending (held 2 s) / peak while creating and holding them",
            `${fmt(r.baseRss / MB)} / ${fmt(r.pendingRss / MB)} / ${fmt(r.holdPeakRss / MB)} MB`,
          ],
          ["V8 heap with all pending", `${fmt(r.heap / MB)} MB (${fmt(r.heap / r.n)} B per task)`],
          [
            "submit through the mock: CPU per submit (HTTP + state + store write)",
            `${fmt(r.cpuPerSubmit, 1)} µs (${fmt(r.real)} tasks)`,
          ],
          [
            "resume of a stored state: wall for all, CPU per resume",
            `${fmt(r.submitSeconds, 1)} s, ${fmt(r.cpuPerResume, 1)} µs (${fmt(r.n - r.real)} tasks)`,
          ],
          ["store writes per submit or resume", fmt(r.putsPerSubmit, 2)],
          [
            "store write: CPU per write, writes/s",
            `${fmt(r.cpuPerWrite, 1)} µs, ${fmt(r.writesPerSecond)}/s (file ${fmt(r.fileMb, 1)} MB)`,
          ],
          [
            "poll: CPU per poll, polls/s, store writes per poll",
            `${fmt(r.cpuPerPoll, 1)} µs, ${fmt(r.pollsPerSecond)}/s, ${fmt(r.writesPerPoll, 2)}`,
          ],
        ],
        plots: [
          {
            file: "scale-rss.svg",
            title: "RSS of the poller process",
            spec: barSpread({
              title: `RSS of the poller process with ${fmt(r.n)} pending tasks, MB (target < 400 MB)`,
              rows: [
                ["before the first task", r.baseRss],
                ["all tasks pending", r.pendingRss],
                ["peak, creating and holding", r.holdPeakRss],
                ["peak incl. the write and poll measurements", r.peakRss],
              ].map(([label, v]) => ({
                label,
                median: v / MB,
                min: v / MB,
                max: v / MB,
                text: `${fmt(v / MB)} MB`,
              })),
              xTitle: "MB",
              ref: 400,
              refLabel: "400 MB",
            }),
          },
        ],
      },
    ],
    targets: [
      target(`${fmt(r.n)} pending tasks on FileStore under 400 MB peak RSS`, {
        value: r.holdPeakRss,
        ok: r.holdPeakRss < 400 * MB && r.n >= 100_000,
        shown: `${fmt(r.holdPeakRss / MB)} MB peak while creating and holding ${fmt(r.n)} tasks (${fmt(r.peakRss / MB)} MB including the write and poll measurements that follow)`,
        reason: r.n < 100_000 ? "QUICK run holds fewer tasks" : undefined,
      }),
    ],
    data: r,
  };
}

if (process.argv.includes("--child")) {
  const result = await measure(process.argv.includes("--quick"));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
