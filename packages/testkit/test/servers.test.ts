import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startHostileServer, startReceiver } from "../src/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe("startReceiver", () => {
  it("sees a request that arrived before the test started waiting (no race)", async () => {
    const r = await startReceiver();
    closers.push(r.close);
    const res = await fetch(`${r.url}/hook`, { method: "POST", body: "early" });
    expect(res.status).toBe(200);
    const [first] = await r.waitFor(1, { timeoutMs: 1_000 });
    expect(first).toMatchObject({ ordinal: 0, method: "POST", url: "/hook", body: "early", status: 200 });
  });

  it("answers the status scripted for each ordinal and records it before answering", async () => {
    const r = await startReceiver({ status: (n) => (n < 2 ? 500 : 200) });
    closers.push(r.close);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(r.url, { method: "POST", body: String(i) });
      statuses.push(res.status);
      // The sender has its answer: the request is already visible to the test.
      expect(r.received).toHaveLength(i + 1);
    }
    expect(statuses).toEqual([500, 500, 200]);
    expect(r.received.map((x) => x.status)).toEqual([500, 500, 200]);
  });

  it("waits for requests still to come, filtered, and names the shortfall on timeout", async () => {
    const r = await startReceiver();
    closers.push(r.close);
    const wait = r.waitFor(2, { filter: (x) => x.url === "/b", timeoutMs: 5_000 });
    for (const p of ["/a", "/b", "/b"]) await fetch(r.url + p, { method: "POST" });
    expect((await wait).map((x) => x.ordinal)).toEqual([1, 2]);
    await expect(r.waitFor(5, { timeoutMs: 50 })).rejects.toThrow("3 of 5 expected requests within 50 ms");
  });
});

describe("startHostileServer", () => {
  it("redirects without following and records the body it was sent", async () => {
    const s = await startHostileServer({
      kind: "redirect",
      location: "http://127.0.0.1:9/steal",
      status: 308,
    });
    closers.push(s.close);
    const res = await fetch(s.url, { method: "POST", body: "card", redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("http://127.0.0.1:9/steal");
    expect(s.requests[0]?.body).toBe("card");
  });

  it("echoes the request so that a test can search it for secrets", async () => {
    const s = await startHostileServer({ kind: "echo" });
    closers.push(s.close);
    const res = await fetch(`${s.url}/x`, {
      method: "POST",
      headers: { authorization: "Basic abc" },
      body: "b",
    });
    expect(await res.json()).toMatchObject({ method: "POST", url: "/x", body: "b" });
  });

  it("streams a huge body of exactly the size asked", async () => {
    const s = await startHostileServer({ kind: "huge", bytes: 3 * 65_536 + 7 });
    closers.push(s.close);
    const res = await fetch(s.url);
    expect((await res.arrayBuffer()).byteLength).toBe(3 * 65_536 + 7);
  });

  it("sends an endless body until the client goes away, then stops", async () => {
    const s = await startHostileServer({ kind: "endless" });
    closers.push(s.close);
    const ac = new AbortController();
    const res = await fetch(s.url, { signal: ac.signal });
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 1_000_000) got += (await reader.read()).value?.length ?? 0;
    ac.abort();
    expect(got).toBeGreaterThanOrEqual(1_000_000);
  });

  it("resets the connection, and leaves a hanging one for close() to end", async () => {
    const reset = await startHostileServer({ kind: "reset" });
    closers.push(reset.close);
    await expect(fetch(reset.url)).rejects.toThrow();
    const hang = await startHostileServer({ kind: "hang" });
    const pending = new Promise<string>((resolve) => {
      const req = request(hang.url, () => resolve("answered"));
      req.on("error", (e) => resolve(`closed: ${(e as NodeJS.ErrnoException).code}`));
      req.end();
    });
    await expect.poll(() => hang.connections).toBe(1);
    await hang.close();
    expect(await pending).toMatch(/^closed/);
  });
});
