/**
 * The chaos run's killer and takeover watcher. A takeover, measured from the kill (the issue: taken over
 * "within TTL + one poll"), in three steps: (a) kill → the killed holder's lease expiry, (b) expiry →
 * another worker's claim (claimed_at, both on the database clock), (c) that claim → the new holder's next
 * gateway request (same host clock; see report.ts).
 */
import { once } from "node:events";
import type pg from "pg";
import type { WorkerPool } from "./workers.js";

/** A lease a killed worker held at the kill. */
type Held = { id: string; token: string; expires: Date; owner: string };
type Row = { id: string; token: string; c: Date; phase: string; o: string; t: Date; np: Date | null };

export interface TakeoverLog {
  /** Kill → claim by another worker, per task held at a kill (Infinity: never within 60 s). */
  takeovers: number[];
  steps: Array<{ id: string; kill: number; a: number; b: number; claimedAt: number; owner: string }>;
  /** Tasks still unclaimed 1 s after their lease expired: row locked, due later, or owner changed. */
  lateRows: Array<{ locked: boolean; dueAfterExpiryMs: number; ownerChanged: boolean }>;
  diagnosed: Set<string>;
  heldAtKill: Set<string>;
}

export const newTakeoverLog = (): TakeoverLog => ({
  takeovers: [],
  steps: [],
  lateRows: [],
  diagnosed: new Set(),
  heldAtKill: new Set(),
});

// A task still unclaimed 1 s after its lease expired: is its row locked, or due later than that?
async function diagnoseLate(admin: pg.Client, log: TakeoverLog, pending: Map<string, Held>, now: Row[]) {
  const late = now.filter((r) => {
    const h = pending.get(r.id)!;
    return (
      Number(r.token) <= Number(h.token) &&
      r.phase !== "done" &&
      !log.diagnosed.has(r.id) &&
      r.t.getTime() > h.expires.getTime() + 1_000
    );
  });
  if (late.length === 0) return;
  const free = await admin.query<{ id: string }>(
    "SELECT id FROM paycross.tasks WHERE id = ANY($1) FOR KEY SHARE SKIP LOCKED",
    [late.map((r) => r.id)],
  );
  const unlocked = new Set(free.rows.map((r) => r.id));
  for (const r of late) {
    log.diagnosed.add(r.id);
    log.lateRows.push({
      locked: !unlocked.has(r.id),
      dueAfterExpiryMs: (r.np?.getTime() ?? Number.NaN) - pending.get(r.id)!.expires.getTime(),
      ownerChanged: r.o !== pending.get(r.id)!.owner,
    });
  }
}

async function watchTakeover(
  admin: pg.Client,
  log: TakeoverLog,
  rows: Held[],
  killedAt: number,
  kill: number,
) {
  const pending = new Map(rows.map((r) => [r.id, r]));
  const end = Date.now() + 60_000;
  while (pending.size > 0 && Date.now() < end) {
    const { rows: now } = await admin.query<Row>(
      "SELECT id, fencing_token AS token, phase, claimed_at AS c, lease_owner AS o, now() AS t, next_poll_at AS np FROM paycross.tasks WHERE id = ANY($1)",
      [[...pending.keys()]],
    );
    await diagnoseLate(admin, log, pending, now);
    for (const r of now) {
      const h = pending.get(r.id)!;
      if (Number(r.token) > Number(h.token)) {
        const expiry = h.expires.getTime();
        log.takeovers.push(r.c.getTime() - killedAt);
        const owner = r.o ?? "";
        log.steps.push({
          id: r.id,
          kill,
          a: expiry - killedAt,
          b: r.c.getTime() - expiry,
          claimedAt: r.c.getTime(),
          owner,
        });
        pending.delete(r.id);
      } else if (r.phase === "done") pending.delete(r.id); // its last statement committed as it died
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  for (const _ of pending) log.takeovers.push(Number.POSITIVE_INFINITY);
}

/** SIGKILLs one worker after another, restarts it, and records what it held. */
async function killOne(admin: pg.Client, pool: WorkerPool, log: TakeoverLog, k: number, kill: number) {
  const victim = pool.workers[k]!;
  // The kill's time on the database clock, read just before it (a takeover is never measured
  // short); then killed, then asked what it held: nothing it did before dying changes the answer.
  const before = await admin.query<{ now: Date }>("SELECT now()");
  victim.kill("SIGKILL");
  await once(victim, "exit");
  const held = await admin.query<Held>(
    "SELECT id, fencing_token AS token, lease_expires_at AS expires, lease_owner AS owner FROM paycross.tasks WHERE lease_owner LIKE $1 AND phase <> 'done'",
    [`%:${victim.pid}:%`],
  );
  for (const r of held.rows) log.heldAtKill.add(r.id);
  const killedAt = before.rows[0]!.now.getTime();
  pool.workers[k] = await pool.start();
  // Returned unawaited (in an object): the killer goes on while the watcher runs.
  return { watcher: watchTakeover(admin, log, held.rows, killedAt, kill) };
}

/** The killer: every `everyMs`, SIGKILL one worker (recording the leases it held) and restart it. */
export function startKiller(admin: pg.Client, pool: WorkerPool, log: TakeoverLog, everyMs: number) {
  const watchers: Array<Promise<void>> = [];
  let finished = false;
  let kills = 0;
  const loop = (async () => {
    while (!finished) {
      await new Promise((r) => setTimeout(r, everyMs));
      if (finished) break;
      const k = kills++ % pool.workers.length;
      const { watcher } = await killOne(admin, pool, log, k, kills);
      watchers.push(watcher);
    }
  })();
  return {
    kills: () => kills,
    /** Stops killing, then waits for every takeover watcher. */
    async stop() {
      finished = true;
      await loop;
      await Promise.all(watchers);
    },
  };
}
