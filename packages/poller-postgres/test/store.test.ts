import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, PostgresStore, PostgresStoreError, SCHEMA_VERSION } from "../src/index.js";
import { failedOutcome, freshDatabase, taskState } from "./helpers.js";

let url: string;
let store: PostgresStore;
beforeAll(async () => {
  url = await freshDatabase();
  store = await PostgresStore.open({ connectionString: url });
});
afterAll(() => store.close());

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

describe("migrations", () => {
  it("create the schema once, even when many workers open the store at the same moment", async () => {
    const db = await freshDatabase();
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => PostgresStore.open({ connectionString: db, schema: "app" })),
    );
    await Promise.all(stores.map((s) => s.close()));
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    const { rows } = await c.query("SELECT version FROM app.migrations");
    const idx = await c.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'app' ORDER BY 1");
    await c.end();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows.at(-1)?.version).toBe(SCHEMA_VERSION);
    expect(idx.rows.map((r) => r.indexname)).toEqual([
      "migrations_pkey",
      "tasks_done_recent",
      "tasks_due",
      "tasks_leased",
      "tasks_pkey",
      "tasks_tracking_id",
      "tasks_uid",
    ]);
  });

  it("migration 2 indexes by tracking_id and uid the tasks stored before it", async () => {
    const db = await freshDatabase();
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    const old = taskState();
    const followed = taskState({
      phase: "follow_up",
      result: { transaction: { uid: "uid-before-2" } } as never,
    });
    try {
      // A database as release 0.1 left it: migration 1 only, two rows.
      await c.query(`CREATE SCHEMA app; CREATE TABLE app.migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      await c.query(MIGRATIONS[0]!.sql('"app"'));
      await c.query("INSERT INTO app.migrations (version, name) VALUES (1, 'v1')");
      for (const st of [old, followed])
        await c.query(
          "INSERT INTO app.tasks (id, state, facts, phase, next_poll_at) VALUES ($1, $2::json, '[]', $3, now())",
          [st.id, JSON.stringify(st), st.phase],
        );
    } finally {
      await c.end();
    }
    const store = await PostgresStore.open({ connectionString: db, schema: "app" });
    try {
      expect((await store.findByTrackingId(old.trackingId!)).map((x) => x.id)).toEqual([old.id]);
      expect((await store.findByUid("uid-before-2")).map((x) => x.id)).toEqual([followed.id]);
    } finally {
      await store.close();
    }
  });

  it("refuse a database migrated by a newer release (store_schema)", async () => {
    const db = await freshDatabase();
    await (await PostgresStore.open({ connectionString: db })).close();
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    await c.query("INSERT INTO paycross.migrations (version, name) VALUES (99, 'from the future')");
    await c.end();
    const e = await PostgresStore.open({ connectionString: db }).catch((x) => x);
    expect(e).toBeInstanceOf(PostgresStoreError);
    expect(e.code).toBe("store_schema");
    expect(e.message).toMatch(/version 99/);
  });
});

describe("options and arguments", () => {
  it("bad options are a config error before anything connects", async () => {
    for (const bad of [
      { connectionString: "" },
      { connectionString: url, schema: 'x"; DROP TABLE t; --' },
      { connectionString: url, maxConnections: 0 },
      { connectionString: url, statementTimeoutMs: 1.5 },
    ]) {
      const e = await PostgresStore.open(bad).catch((x) => x);
      expect(e).toBeInstanceOf(PostgresStoreError);
      expect(e.code).toBe("config");
    }
  });

  it("an unreachable server is store_unavailable without the password anywhere in the error", async () => {
    const e = await PostgresStore.open({
      connectionString: "postgres://app:s3cr3t-pw@127.0.0.1:1/db",
      connectTimeoutMs: 2_000,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(PostgresStoreError);
    expect(e.code).toBe("store_unavailable");
    const everything = JSON.stringify(e) + e.message + e.stack + String(e.cause?.message);
    expect(everything).not.toContain("s3cr3t-pw");
  });

  it("an invalid state or lease is a usage error", async () => {
    const bad = [
      () => store.put({ ...taskState(), phase: "nope" } as never),
      () => store.put(taskState({ id: "x".repeat(1001) })),
      () => store.claim("", 1, 1000),
      () => store.claim("w", 0, 1000),
      () => store.claim("w", 1, 0),
      () => store.update({ id: "a", owner: "w", token: 1 }, taskState({ id: "b" }), null),
      () => store.recordFacts("a", taskState({ id: "b" })),
    ];
    for (const call of bad) {
      const e = await call().catch((x) => x);
      expect(e).toBeInstanceOf(PostgresStoreError);
      expect(e.code).toBe("usage");
    }
  });
});

describe("TaskStore basics", () => {
  it("put, get, list and delete round-trip states as copies", async () => {
    const a = taskState();
    await store.put(a);
    const got = await store.get(a.id);
    expect(got).toEqual(a);
    got!.attempt = 99;
    expect((await store.get(a.id))!.attempt).toBe(0);
    expect((await store.list()).map((s) => s.id)).toContain(a.id);
    await store.put({ ...a, attempt: 3 });
    expect((await store.get(a.id))!.attempt).toBe(3);
    await store.delete(a.id);
    expect(await store.get(a.id)).toBeUndefined();
  });

  it("a read-once body holding \\u0000 or an unpaired surrogate is stored and read back exactly", async () => {
    // jsonb refuses both: such a result would be lost between the gateway and the store.
    const body = { message: "bad\u0000byte", detail: "half \ud800 pair", "\u0000key": 1 };
    const s = taskState({
      phase: "done",
      errorResult: { status: 422, body, receivedAt: 1 },
      outcome: failedOutcome(),
    });
    await store.put(s);
    expect(await store.get(s.id)).toEqual(s);
  });

  it("a put never erases an outcome already stored (first outcome wins)", async () => {
    const s = taskState();
    await store.put({ ...s, phase: "done", outcome: failedOutcome(422) });
    await store.put({ ...s, attempt: 5 }); // a stale copy, e.g. a resume of an old state
    const got = await store.get(s.id);
    expect(got!.outcome).toEqual(failedOutcome(422));
    expect(got!.phase).toBe("done");
  });

  it("a corrupt row is store_corrupt naming the task, not its contents", async () => {
    const s = taskState();
    await store.put(s);
    await sql(`UPDATE paycross.tasks SET state = '{"version": 2, "secret": "zzz"}' WHERE id = $1`, [s.id]);
    const e = await store.get(s.id).catch((x) => x);
    expect(e).toBeInstanceOf(PostgresStoreError);
    expect(e.code).toBe("store_corrupt");
    expect(e.message).toContain(s.id);
    expect(e.message).not.toContain("zzz");
    await store.delete(s.id);
  });

  it("a closed store refuses calls with store_closed", async () => {
    const s = await PostgresStore.open({ connectionString: url });
    await s.close();
    const e = await s.get("x").catch((x) => x);
    expect(e.code).toBe("store_closed");
    await s.close(); // twice is fine
  });
});
