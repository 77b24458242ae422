/** The read-once window across workers (poller's read-once-takeover.ts) on a real PostgreSQL server. */
import { beforeAll } from "vitest";
import { describeReadOnceTakeover } from "../../poller/test/read-once-takeover.js";
import { PostgresStore } from "../src/index.js";
import { freshDatabase } from "./helpers.js";

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});

describeReadOnceTakeover(
  "PostgresStore",
  (options) => PostgresStore.open({ connectionString: url, ...options }),
  // Another process: its own pool and its own LISTEN connection to the same database.
  () => PostgresStore.open({ connectionString: url }),
);
