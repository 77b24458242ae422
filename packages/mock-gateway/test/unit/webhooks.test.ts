import { describe, expect, it } from "vitest";
import { WebhookSender } from "../../src/webhooks.js";

describe("WebhookSender", () => {
  it("a notification that cannot be built (here: a cycle) never throws into the caller and is recorded", async () => {
    const sender = new WebhookSender("Basic eA==");
    const tx: Record<string, unknown> = { uid: "u1", status: "successful" };
    tx.self = tx;
    try {
      expect(() => sender.send("http://127.0.0.1:9/hook", tx)).not.toThrow();
      await expect
        .poll(() => sender.deliveries, { timeout: 10_000 })
        .toEqual([
          expect.objectContaining({ uid: "u1", attempt: 0, outcome: expect.stringMatching(/^not sent: /) }),
        ]);
    } finally {
      sender.close();
    }
  });

  it("an unparseable URL and a non-loopback host are recorded, not thrown", async () => {
    const sender = new WebhookSender("Basic eA==");
    try {
      sender.send("not a url", { uid: "u2", status: "failed" });
      sender.send("https://merchant.example/hook", { uid: "u3", status: "failed" });
      await expect
        .poll(() => sender.deliveries.map((d) => d.outcome), { timeout: 10_000 })
        .toEqual(["not sent: not a valid URL", "refused: not a loopback address"]);
    } finally {
      sender.close();
    }
  });
});
