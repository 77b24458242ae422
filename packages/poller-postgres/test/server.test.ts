import pg from "pg";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "./helpers.js";

describe("the test server", () => {
  it("is a real PostgreSQL on loopback, one fresh database per caller", async () => {
    const url = await freshDatabase();
    expect(new URL(url).hostname).toBe("127.0.0.1");
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ v: string; db: string }>(
      "SELECT current_setting('server_version_num') AS v, current_database() AS db",
    );
    await c.end();
    expect(Number(rows[0]!.v)).toBeGreaterThanOrEqual(130000);
    expect(url.endsWith(rows[0]!.db)).toBe(true);
  });
});
