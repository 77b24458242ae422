/**
 * Figures for BENCHMARKS.md (issue 16), run on demand with PG_FIGURES=1: tasks/s and store round trips
 * per task with 1 and 2 worker processes on one PostgresStore (no faults, no kills), successful payments
 * submitted and awaited by a client-mode poller in this process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import { createClient } from "@paycross/client";
import { startMockGateway, TEST_CARDS } from "@paycross/mock-gateway";
import { createPoller } from "@paycross/poller";
import { describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { freshDatabase, WORKER_SCRIPT, workerEnv } from "./helpers.js";

const TASKS = Number(process.env.PG_FIGURES_TASKS ?? 400);
const POLICY = { initialDelayMs: 100, maxDelayMs: 300, minDelayMs: 20 };

async function run(workers: number) {
  const url = await freshDatabase();
  const gw = await startMockGateway({ asyncDelayMs: 50 });
  const store = await PostgresStore.open({ connectionString: url });
  const client = createClient({ shopId: gw.shopId, secretKey: gw.secretKey, baseUrl: gw.url });
  const front = createPoller({ client, store, mode: "client" });
  const env = workerEnv(url, gw, { ttlMs: 30_000, claimMs: 200, concurrency: 16, policy: POLICY });
  const children: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) {
    const c = spawn(process.execPath, [WORKER_SCRIPT], { env, stdio: ["ignore", "pipe", "inherit"] });
    await once(c.stdout!, "data");
    children.push(c);
  }
  const started = Date.now();
  let next = 0;
  const outcomes: string[] = [];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < TASKS; i = next++) {
        const t = await front.submit("payment", {
          amount: 100 + i,
          currency: "USD",
          description: `figures ${i}`,
          tracking_id: `figures-${process.pid}-${workers}-${i}`,
          credit_card: {
            number: TEST_CARDS.successful,
            verification_value: "123",
            exp_month: "05",
            exp_year: "2030",
          },
        });
        outcomes.push((await t.result()).kind);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const frontTrips = store.roundTrips;
  let workerTrips = 0;
  for (const c of children) {
    let out = "";
    c.stdout!.on("data", (d) => (out += d));
    c.kill("SIGTERM");
    await once(c, "exit");
    workerTrips += Number(/roundTrips (\d+)/.exec(out)?.[1] ?? Number.NaN);
  }
  await front.close();
  await gw.close();
  expect(outcomes.filter((k) => k !== "completed")).toEqual([]);
  return {
    workers,
    tasksPerSecond: TASKS / seconds,
    frontTrips: frontTrips / TASKS,
    workerTrips: workerTrips / TASKS,
  };
}

describe.skipIf(!process.env.PG_FIGURES)("figures (PG_FIGURES=1)", () => {
  it("tasks/s and store round trips per task, 1 and 2 worker processes", async () => {
    const rows = [await run(1), await run(2)];
    for (const r of rows)
      console.log(
        `figures: ${r.workers} worker(s), ${TASKS} tasks: ${r.tasksPerSecond.toFixed(1)} tasks/s, store round trips per task: ` +
          `${r.workerTrips.toFixed(2)} by workers + ${r.frontTrips.toFixed(2)} by the waiting process (load average ${loadavg()[0]!.toFixed(1)})`,
      );
  }, 600_000);
});
