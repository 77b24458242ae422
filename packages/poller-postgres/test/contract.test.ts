/** The poller's one store contract (the suite MemoryStore and FileStore pass), against PostgresStore. */
import { beforeAll } from "vitest";
import { describeStoreContract } from "../../poller/test/store-contract.js";
import { PostgresStore } from "../src/index.js";
import { freshDatabase } from "./helpers.js";

let url: string;
beforeAll(async () => {
  url = await freshDatabase();
});

describeStoreContract("PostgresStore", () => PostgresStore.open({ connectionString: url }));
