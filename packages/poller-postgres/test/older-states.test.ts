/**
 * States persisted by older pollers still load: a follow-up written by 0.1 has no `followUpSince` (when
 * the follow-up began); it loads unchanged and is claimed as before, and a state that has one keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { olderFollowUp } from "../../poller/test/states.js";
import { PostgresStore } from "../src/index.js";
import { freshDatabase } from "./helpers.js";

let store: PostgresStore;
beforeAll(async () => {
  store = await PostgresStore.open({ connectionString: await freshDatabase() });
});
afterAll(() => store.close());

describe("PostgresStore loads follow-up states with and without followUpSince", () => {
  it("a follow-up written by 0.1 loads unchanged and is claimed; followUpSince round-trips", async () => {
    const old = olderFollowUp();
    const current = olderFollowUp({ followUpSince: 1_234_567 });
    await store.put(old);
    await store.put(current);
    expect(await store.get(old.id)).toEqual(old);
    expect(await store.get(current.id)).toEqual(current);
    const claimed = await store.claim("worker-1", 10, 10_000);
    const byId = new Map(claimed.map((c) => [c.state.id, c.state]));
    expect(byId.get(old.id)).toEqual(old);
    expect(byId.get(current.id)?.followUpSince).toBe(1_234_567);
  });
});
