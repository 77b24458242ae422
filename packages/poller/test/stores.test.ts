import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { FileStore, MemoryStore, SharedMemoryStore } from "../src/index.js";
import { describeStoreContract } from "./store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "paycross-store-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeStoreContract("MemoryStore", async () => new MemoryStore());
describeStoreContract("FileStore", async () => FileStore.open(join(dir, `store-${n++}.jsonl`)));
describeStoreContract("SharedMemoryStore", async () => new SharedMemoryStore());
