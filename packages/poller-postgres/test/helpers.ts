import { randomUUID } from "node:crypto";
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
