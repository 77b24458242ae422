/**
 * Issue 11, chaos: 2,000 payments over the five test cards through the mock with 5% transient 500s on
 * result URLs, the poller process SIGKILLed at least 5 times and restarted on its FileStore. Nothing lost,
 * nothing charged twice, no wrong outcome; the only tolerated loss is a read-once error result whose
 * answer was in flight at a kill (it ends `unknown`), counted and printed. (On the poller before the
 * candidate rule, one run gave 88 paid or declined tasks the outcome `failed/500`.)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FileStore, type TaskState } from "../src/index.js";
import { gateway } from "./helpers.js";

const N = 2_000;
const KILLS = 6;
const EXPECTED = [
  "completed:successful",
  "completed:failed",
  "completed:successful",
  "completed:failed",
  "failed:500",
];
const dir = mkdtempSync(join(tmpdir(), "paycross-chaos-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(args: string[], killAfterMs: number | undefined) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./fixtures/chaos-child.mjs", import.meta.url)), ...args],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  return new Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    }),
  );
}

const summary = (s: TaskState) =>
  s.outcome?.kind === "completed"
    ? `completed:${s.outcome.transaction?.status}`
    : s.outcome?.kind === "failed"
      ? `failed:${s.outcome.status}`
      : `${s.outcome?.kind}`;

describe("chaos", () => {
  it(`${N} tasks, ${KILLS} SIGKILLs, 5% transient 500s: 0 lost, 0 duplicated, 0 wrong`, {
    timeout: 240_000,
  }, async () => {
    const { gw, client } = await gateway({
      asyncDelayMs: () => Math.floor(Math.random() * 200),
      incompleteResolveMs: 300,
    });
    gw.faults.set([{ kind: "error", status: 500, rate: 0.05, routes: ["getAsyncResult"] }], 42);
    const runId = `${Date.now()}`;
    const storePath = join(dir, "tasks.jsonl");
    const args = [gw.url, gw.shopId, gw.secretKey, storePath, String(N), runId];
    const started = Date.now();
    try {
      let kills = 0;
      let restarts = 0;
      for (let run = 0; ; run++) {
        // Kill early (0.3-0.9 s after spawn, start-up included) so that every kill lands while work remains: with
        // later kills a fast machine finished all tasks first, and the idle restarts were never killed again.
        const killAfter = kills < KILLS ? 300 + Math.floor(Math.random() * 600) : undefined;
        const r = await runChild(args, killAfter);
        if (r.signal === "SIGKILL") kills++;
        else {
          expect(r.code).toBe(0);
          expect(r.out).toContain("DONE");
          if (kills >= KILLS) break;
        }
        restarts++;
        expect(run).toBeLessThan(50);
      }
      const store = await FileStore.open(storePath);
      const states = await store.list();
      await store.close();
      const byTracking = new Map<string, TaskState[]>();
      for (const s of states) byTracking.set(s.trackingId!, [...(byTracking.get(s.trackingId!) ?? []), s]);
      let lostInFlight = 0;
      const wrong: string[] = [];
      for (let i = 0; i < N; i++) {
        const found = byTracking.get(`chaos-${runId}-${i}`) ?? [];
        expect(found, `task ${i}`).toHaveLength(1);
        const got = summary(found[0]!);
        const want = EXPECTED[i % EXPECTED.length]!;
        if (got === want) continue;
        if (want === "failed:500" && got === "unknown") lostInFlight++;
        else wrong.push(`${i}: ${got} instead of ${want}`);
      }
      expect(wrong).toEqual([]);
      // No second charge: the gateway holds exactly one transaction per tracking_id.
      const counts: number[] = [];
      for (let i = 0; i < N; i += 50) {
        const batch = Array.from({ length: Math.min(50, N - i) }, (_, j) =>
          client.transactions.byTrackingId(`chaos-${runId}-${i + j}`).then((r) => r.transactions.length),
        );
        counts.push(...(await Promise.all(batch)));
      }
      // (the error card's internal error books no transaction at all)
      const charged = counts.map((c, i) => (i % EXPECTED.length === 4 ? c === 0 : c === 1));
      expect(charged.filter((ok) => !ok)).toEqual([]);
      console.log(
        `chaos: ${N} tasks, ${kills} SIGKILLs, ${restarts} restarts, ${states.length} states, ` +
          `0 lost, 0 duplicated, 0 wrong; read-once errors lost in flight at a kill: ${lostInFlight}; ` +
          `${Math.round((Date.now() - started) / 1000)} s`,
      );
    } finally {
      await gw.close();
    }
  });
});
