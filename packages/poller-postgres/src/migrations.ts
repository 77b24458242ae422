/**
 * Versioned schema changes, applied in order inside one transaction under an advisory lock, so that
 * workers starting together migrate once. A database migrated by a newer release is refused rather
 * than used with assumptions that no longer hold.
 */

import { type TaskState, taskStateProblems } from "@paycross/poller";
import type pg from "pg";
import { PostgresStoreError } from "./errors.js";
import { columns } from "./rows.js";

/** The part of a `pg` client a backfill uses: structural, so the published types need no `@types/pg`. */
export interface SqlClient {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Migration {
  version: number;
  name: string;
  sql(schema: string): string;
  /** Fills what SQL cannot compute (values the poller's rules derive from a state), in the same transaction. */
  backfill?(client: SqlClient, schema: string): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "tasks table with leases and a due-task index",
    // `state` and `outcome` are `json`, not `jsonb`, and no SQL reads inside them: jsonb and the json
    // operators reject \u0000 and unpaired surrogates, which a gateway's error body may contain, and a
    // read-once result that cannot be stored is lost. `facts` is the gateway facts as JSON text, compared
    // as a string to tell whether a write must merge.
    sql: (s) => `
      CREATE TABLE ${s}.tasks (
        id text PRIMARY KEY,
        state json NOT NULL,
        outcome json,
        facts text NOT NULL,
        phase text NOT NULL CHECK (phase IN ('polling', 'follow_up', 'done')),
        -- while leased: the lease's expiry, so that an expired lease is simply due again
        next_poll_at timestamptz,
        lease_owner text,
        lease_expires_at timestamptz,
        -- when the last lease was taken: how long a takeover took, for operators and the chaos test
        claimed_at timestamptz,
        fencing_token bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tasks_due ON ${s}.tasks (next_poll_at) WHERE phase <> 'done';
      -- what a reconnecting listener replays: outcomes stored while it was away
      CREATE INDEX tasks_done_recent ON ${s}.tasks (updated_at) WHERE phase = 'done';
    `,
  },
  {
    version: 2,
    name: "tracking_id and uid lookup columns; facts pending after an unreleased lease",
    // A notification finds its task by these indexes instead of reading every row. They are kept in step
    // with `state` by every write (rows.ts `columns`), and computed in JS by the poller's own rule.
    sql: (s) => `
      ALTER TABLE ${s}.tasks ADD COLUMN tracking_id text, ADD COLUMN uid text,
        -- a lease taken over unreleased: its holder may still store a read-once result until then
        ADD COLUMN facts_pending_until timestamptz;
      CREATE INDEX tasks_tracking_id ON ${s}.tasks (tracking_id) WHERE tracking_id IS NOT NULL;
      CREATE INDEX tasks_uid ON ${s}.tasks (uid) WHERE uid IS NOT NULL;
    `,
    backfill: backfillKeys,
  },
  {
    version: 3,
    name: "an index of leased tasks, so that expired leases are claimed first",
    // Few rows (at most the workers' concurrency): claim reads expired leases from it before due tasks.
    sql: (s) => `
      CREATE INDEX tasks_leased ON ${s}.tasks (next_poll_at) WHERE lease_owner IS NOT NULL AND phase <> 'done';
    `,
  },
];

/** Sets tracking_id and uid on the rows written before migration 2, a batch at a time. */
async function backfillKeys(client: SqlClient, s: string): Promise<void> {
  for (let after = ""; ; ) {
    const { rows } = await client.query<{ id: string; state: TaskState }>(
      `SELECT id, state FROM ${s}.tasks WHERE id > $1 ORDER BY id LIMIT 1000`,
      [after],
    );
    if (rows.length === 0) return;
    // A row that is not a valid state stays unindexed; reading it reports `store_corrupt` as before.
    const keys = rows.map((r) => (taskStateProblems(r.state).length ? [r.id] : columns(r.state)));
    await client.query(
      `UPDATE ${s}.tasks t SET tracking_id = k.tracking_id, uid = k.uid
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(id, tracking_id, uid) WHERE t.id = k.id`,
      [keys.map((k) => k[0]), keys.map((k) => k[5] ?? null), keys.map((k) => k[6] ?? null)],
    );
    after = rows[rows.length - 1]!.id;
  }
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Applies the pending migrations; returns the versions applied. */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number[]> {
  const s = `"${schema}"`;
  const applied: number[] = [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`paycross-poller-postgres:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${s}.migrations`,
    );
    const current = rows[0]?.v ?? 0;
    if (current > SCHEMA_VERSION)
      throw new PostgresStoreError(
        "store_schema",
        `schema "${schema}" is at version ${current}, newer than this package knows (${SCHEMA_VERSION}): upgrade @paycross/poller-postgres`,
      );
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql(s));
      await m.backfill?.(client, s);
      await client.query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
