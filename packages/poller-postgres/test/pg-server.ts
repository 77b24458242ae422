/** vitest globalSetup: one real PostgreSQL server for the whole run; each test file makes its own database. */
import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgres } from "./postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide("pgUrl", server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  server = undefined;
}
