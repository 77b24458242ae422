import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { TaskState } from "@paycross/poller";
import pg from "pg";
import { inject } from "vitest";

/** A new, empty database on the run's server: test files run in parallel without seeing each other. */
export async function freshDatabase(): Promise<string> {
  const url = inject("pgUrl");
  const name = `t_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A pending task state as the poller writes it after a submit (the poller's one test builder). */
export { pendingState as taskState } from "../../poller/test/states.js";

export const failedOutcome = (status = 422): TaskState["outcome"] => ({
  kind: "failed",
  status,
  body: { message: "Card declined by issuer" },
});
export const unknownOutcome: TaskState["outcome"] = {
  kind: "unknown",
  reason: "expired_or_already_read",
  recovered: [],
};

export async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000) {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The worker-mode process the chaos and figures runs start (fixtures/chaos-worker.mjs). */
export const WORKER_SCRIPT = fileURLToPath(new URL("fixtures/chaos-worker.mjs", import.meta.url));

/** Its environment: where the database and the mock gateway are, and how it works. */
export function workerEnv(
  url: string,
  gw: { url: string; shopId: string; secretKey: string },
  o: { ttlMs: number; claimMs: number; concurrency: number; policy: object; factGraceMs?: number },
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PG_URL: url,
    GW_URL: gw.url,
    SHOP_ID: gw.shopId,
    SECRET_KEY: gw.secretKey,
    TTL_MS: String(o.ttlMs),
    CLAIM_MS: String(o.claimMs),
    CONCURRENCY: String(o.concurrency),
    POLICY: JSON.stringify(o.policy),
    ...(o.factGraceMs === undefined ? {} : { FACT_GRACE_MS: String(o.factGraceMs) }),
  };
}
