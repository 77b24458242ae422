/**
 * A worker process killed with SIGKILL while holding leases: another worker takes every one of its tasks
 * over within the lease TTL plus one claim interval (the figure the README promises), measured on the
 * database's own clock.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { freshDatabase, taskState } from "./helpers.js";

const TTL_MS = 1_500;
const CLAIM_EVERY_MS = 100;
let url: string;
let store: PostgresStore;
let child: ChildProcess | undefined;
beforeAll(async () => {
  url = await freshDatabase();
  store = await PostgresStore.open({ connectionString: url });
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await store.close();
});

async function holder(want: number): Promise<ChildProcess> {
  const script = fileURLToPath(new URL("fixtures/lease-holder.mjs", import.meta.url));
  const env = { ...process.env, PG_URL: url, OWNER: "doomed", WANT: String(want), TTL_MS: String(TTL_MS) };
  const c = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  c.stdout!.on("data", (d) => (out += d));
  while (!out.includes("holding")) {
    if (c.exitCode !== null) throw new Error(`lease holder exited with ${c.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return c;
}

describe("takeover after a killed worker", () => {
  it("every task of a SIGKILLed worker is claimed by another within TTL + one claim interval", async () => {
    const tasks = Array.from({ length: 20 }, () => taskState());
    await Promise.all(tasks.map((t) => store.put(t)));
    child = await holder(tasks.length);
    // Let it renew a few times: its leases must outlive the TTL while it lives.
    await new Promise((r) => setTimeout(r, TTL_MS * 1.5));
    expect(await store.claim("rescuer", 100, 60_000)).toEqual([]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    child.kill("SIGKILL");
    await once(child, "exit");
    const { rows } = await admin.query<{ id: string; t: Date }>(
      "SELECT id, lease_expires_at AS t FROM paycross.tasks WHERE lease_owner = 'doomed'",
    );
    const expiry = new Map(rows.map((r) => [r.id, r.t.getTime()]));
    const taken = new Map<string, number>();
    const deadline = Date.now() + TTL_MS + 30_000; // a generous bound: the assertion below is the real one
    while (taken.size < tasks.length && Date.now() < deadline) {
      for (const c of await store.claim("rescuer", 100, 60_000)) {
        const at = await admin.query<{ t: Date }>(
          "SELECT updated_at AS t FROM paycross.tasks WHERE id = $1",
          [c.state.id],
        );
        taken.set(c.state.id, at.rows[0]!.t.getTime());
      }
      await new Promise((r) => setTimeout(r, CLAIM_EVERY_MS));
    }
    await admin.end();
    expect(taken.size).toBe(tasks.length);
    // Database time from each lease's last expiry to its takeover: at most one claim interval late
    // (plus scheduling slack on a busy machine), never before the lease expired.
    const late = [...taken].map(([id, t]) => t - expiry.get(id)!);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...late)).toBeLessThan(CLAIM_EVERY_MS + 1_000);
    console.log(`takeover after the lease expiry: max ${Math.max(...late)} ms (TTL ${TTL_MS} ms)`);
  });
});
