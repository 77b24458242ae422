import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createPoller, FileStore } from "../src/index.js";
import { gateway } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "paycross-poller-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a poller process killed with SIGKILL", () => {
  it("loses nothing: a new process resumes every task, and the read-once error comes from the store", {
    timeout: 60_000,
  }, async () => {
    const { gw, client } = await gateway({ asyncDelayMs: 1_500 });
    const storePath = join(dir, "tasks.jsonl");
    try {
      const child = spawn(
        process.execPath,
        [
          fileURLToPath(new URL("./fixtures/child.mjs", import.meta.url)),
          gw.url,
          gw.shopId,
          gw.secretKey,
          storePath,
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let out = "";
      let errorTask = "";
      let allIds: string[] = [];
      const killed = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on("exit", (_code, signal) => resolve(signal)),
      );
      child.stdout.on("data", (d) => {
        out += d;
        const sub = /SUBMITTED (\S+) ERROR=(\S+)/.exec(out);
        if (sub) {
          allIds = sub[1]!.split(",");
          errorTask = sub[2]!;
        }
        if (errorTask && out.includes(`STORED ${errorTask} done`)) child.kill("SIGKILL");
      });
      expect(await killed).toBe("SIGKILL");
      expect(allIds).toHaveLength(6);
      // The gateway handed the error out once, to the process that died.
      expect(await client.async.result(errorTask)).toMatchObject({ state: "unknown" });

      const store = await FileStore.open(storePath);
      const poller = createPoller({ client, store, policy: { initialDelayMs: 20, maxDelayMs: 100 } });
      const handles = await poller.restore();
      expect(handles.map((h) => h.id).sort()).toEqual([...allIds].sort());
      const outcomes = await Promise.all(handles.map((h) => h.result()));
      const byId = new Map(outcomes.map((o) => [o.state.id, o]));
      expect(byId.get(errorTask)).toMatchObject({
        kind: "failed",
        status: 422,
        body: { message: "Parent transaction not found" },
      });
      for (const id of allIds.filter((i) => i !== errorTask)) {
        expect(byId.get(id)).toMatchObject({ kind: "completed", transaction: { status: "successful" } });
      }
      expect(gw.stats.byOperation.createPaymentAsync).toBe(5);
      await poller.close();
    } finally {
      await gw.close();
    }
  });
});

describe("FileStore", () => {
  it("ignores a torn last line and compacts a long log", async () => {
    const path = join(dir, "torn.jsonl");
    const a = await FileStore.open(path);
    const base = {
      version: 1 as const,
      operation: "payment" as const,
      statusUrl: "s",
      responseUrl: "r",
      submittedAt: 0,
      phase: "polling" as const,
    };
    for (let i = 0; i < 300; i++) await a.put({ ...base, id: "t1", attempt: i });
    await a.put({ ...base, id: "t2", attempt: 0 });
    await a.delete("t2");
    await a.close();
    const { appendFileSync, readFileSync } = await import("node:fs");
    appendFileSync(path, '{"put":{"id":"t3","vers');
    const b = await FileStore.open(path);
    expect((await b.list()).map((s) => [s.id, s.attempt])).toEqual([["t1", 299]]);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(1);
    await b.close();
  });
});
