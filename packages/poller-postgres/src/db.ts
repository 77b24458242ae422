/**
 * The connection pool with the store's two ways to talk to it: one statement, or a transaction on one
 * connection. Counts round trips (the figures tests and the bench read) and turns every driver failure
 * into a typed `PostgresStoreError` without its parameters (task bodies).
 */
import type pg from "pg";
import { PostgresStoreError, unavailable } from "./errors.js";

export class Db {
  /** Statements sent to the server so far (each one a network round trip). */
  queries = 0;
  closed = false;

  constructor(readonly pool: pg.Pool) {}

  async query<R extends pg.QueryResultRow>(
    what: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    if (this.closed) throw new PostgresStoreError("store_closed", `${what}: the store is closed`);
    this.queries++;
    try {
      return await this.pool.query<R>(sql, params);
    } catch (e) {
      throw unavailable(what, e);
    }
  }

  /** A statement inside `transaction`'s body (counted like the others). */
  async run<R extends pg.QueryResultRow>(
    c: pg.PoolClient,
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    this.queries++;
    return c.query<R>(sql, params);
  }

  async transaction<T>(what: string, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new PostgresStoreError("store_closed", `${what}: the store is closed`);
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw unavailable(what, e);
    }
    let broken: unknown;
    try {
      this.queries += 2; // BEGIN and COMMIT
      await c.query("BEGIN");
      const result = await body(c);
      await c.query("COMMIT");
      return result;
    } catch (e) {
      broken = e;
      // The connection is discarded below, so a failed ROLLBACK changes nothing; the cause is thrown.
      await c.query("ROLLBACK").catch(() => undefined);
      throw unavailable(what, e);
    } finally {
      // A connection that failed mid-transaction is discarded, not handed to the next caller.
      c.release(broken instanceof PostgresStoreError ? undefined : (broken as Error | undefined));
    }
  }

  async end(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}
