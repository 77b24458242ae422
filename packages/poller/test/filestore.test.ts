/**
 * Issue 12, FileStore made honest: one owner per file, a torn tail cut away before the next append,
 * every other bad line a typed error naming file and line (or moved aside by `repair`).
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileStore, PayCrossStoreError } from "../src/index.js";
import { pendingState } from "./states.js";

const dir = mkdtempSync(join(tmpdir(), "paycross-filestore-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s-${n++}.jsonl`);

async function openError(path: string, options = {}): Promise<PayCrossStoreError> {
  const e = await FileStore.open(path, options).then(
    (s) => {
      void s.close();
      throw new Error("opened");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PayCrossStoreError);
  return e as PayCrossStoreError;
}

describe("one owner per file", () => {
  it("a second opener in the same process gets store_locked naming the holder", async () => {
    const path = fresh();
    const a = await FileStore.open(path);
    const e = await openError(path);
    expect(e.code).toBe("store_locked");
    expect(e.message).toContain(`pid ${process.pid}`);
    await a.close();
    const b = await FileStore.open(path); // released on close
    await b.close();
  });

  it("a lock held by another live process refuses; once that process is killed the lock is stale", async () => {
    const path = fresh();
    const entry = new URL("../dist/index.js", import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { FileStore } = await import(${JSON.stringify(entry)}); await FileStore.open(${JSON.stringify(path)}); console.log("OPEN"); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => String(d).includes("OPEN") && resolve());
        child.on("exit", () => reject(new Error("child exited")));
      });
      const e = await openError(path);
      expect(e.code).toBe("store_locked");
      expect(e.message).toContain(`pid ${child.pid}`);
    } finally {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGKILL");
      await exited;
    }
    const s = await FileStore.open(path);
    await s.close();
  });
});

describe("replay", () => {
  it("a torn last line is cut away before the next append: no acknowledged put is lost", async () => {
    const path = fresh();
    const [a, b, c] = [pendingState(), pendingState(), pendingState()];
    const s1 = await FileStore.open(path);
    await s1.put(a);
    await s1.put(b);
    await s1.close();
    appendFileSync(path, '{"put":{"version":1,"id":"torn","ph');
    const s2 = await FileStore.open(path);
    await s2.put(c); // acknowledged
    await s2.close();
    const s3 = await FileStore.open(path);
    expect((await s3.list()).map((s) => s.id).sort()).toEqual([a.id, b.id, c.id].sort());
    await s3.close();
    expect(s2.opened.tornTail).toBe(true);
  });

  const corrupt: Array<[string, string, RegExp]> = [
    ["a corrupt middle line", "{not json\n", /line 2: not JSON/],
    ["a null line", "null\n", /line 2: neither a put nor a del/],
    [
      "an invalid state",
      '{"put":{"version":7,"id":"x"}}\n',
      /line 2: invalid task state \(version must be 1/,
    ],
  ];
  for (const [name, bad, message] of corrupt) {
    it(`${name} stops open with store_corrupt naming file and line; repair moves it aside`, async () => {
      const path = fresh();
      const [a, b] = [pendingState(), pendingState()];
      writeFileSync(path, `${JSON.stringify({ put: a })}\n${bad}${JSON.stringify({ put: b })}\n`);
      const e = await openError(path);
      expect(e.code).toBe("store_corrupt");
      expect(e.message).toContain(path);
      expect(e.message).toMatch(message);
      const repaired = await FileStore.open(path, { repair: true });
      expect(repaired.opened.rejected).toBe(1);
      expect((await repaired.list()).map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
      await repaired.close();
      expect(readFileSync(`${path}.rejected`, "utf8")).toBe(bad);
      const again = await FileStore.open(path);
      expect(await again.list()).toHaveLength(2);
      await again.close();
    });
  }

  it("a garbage file is refused at line 1, never opened as an empty store", async () => {
    const path = fresh();
    writeFileSync(path, "PK\u0003\u0004 this is a zip, not a task log\nmore\n");
    const e = await openError(path);
    expect(e).toMatchObject({ code: "store_corrupt" });
    expect(e.message).toMatch(/line 1: not JSON/);
  });

  it("an empty file is an empty store", async () => {
    const path = fresh();
    writeFileSync(path, "");
    const s = await FileStore.open(path);
    expect(await s.list()).toEqual([]);
    await s.close();
  });

  it("a finished task is never replaced by an older pending line on replay", async () => {
    const path = fresh();
    const a = pendingState();
    const finished = {
      ...a,
      phase: "done" as const,
      outcome: { kind: "failed" as const, status: 422, body: null },
    };
    writeFileSync(
      path,
      `${JSON.stringify({ put: finished })}\n${JSON.stringify({ put: { ...a, attempt: 3 } })}\n`,
    );
    const s = await FileStore.open(path);
    expect((await s.get(a.id))?.outcome).toMatchObject({ kind: "failed" });
    await s.close();
  });
});
