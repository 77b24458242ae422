/** The README's example, as written there (compile-only in the README because it is private). */
import { startMockGateway } from "@paycross/mock-gateway";
import { describe, expect, it } from "vitest";
import { startReceiver, testPayment } from "../src/index.js";

describe("README example", () => {
  it("a receiver sees every webhook delivery of the mock, retries included, whenever the test looks", async () => {
    const receiver = await startReceiver({ status: (n) => (n < 2 ? 500 : 200) });
    const gw = await startMockGateway({ webhooks: { retryDelaysMs: [10, 10, 10] } });
    try {
      const paid = await fetch(`${gw.url}/transactions/payments`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Basic ${Buffer.from(`${gw.shopId}:${gw.secretKey}`).toString("base64")}`,
        },
        body: JSON.stringify({
          request: testPayment("successful", { notification_url: `${receiver.url}/hook` }),
        }),
      });
      expect(paid.status, await paid.clone().text()).toBe(200);
      const deliveries = await receiver.waitFor(3);
      expect(deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
      expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    } finally {
      await Promise.all([gw.close(), receiver.close()]);
    }
  });
});
